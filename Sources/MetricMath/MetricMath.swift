/// MetricMath: CloudWatch's metric-math language (metric-math.md).
///
/// Lexer → parser → AST with source positions → checker (ids, cycles, types) → a compiled
/// program evaluated over whole columns. SEARCH query strings, Metrics Insights queries and
/// dynamic labels are parsed here too. The module is pure: it never fetches data; the
/// caller (MetricQuery) hands it the series of metric rows and of catalogue look-ups.
public enum MetricMath {}
