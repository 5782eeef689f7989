/// One dimension of a metric: a name and a value.
public struct Dimension: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

/// What identifies a metric in CloudWatch: namespace, name and the *set* of dimensions.
///
/// Dimension order is irrelevant to identity, so `dimensions` is kept sorted by name
/// (then value). `dimensionsInRowOrder` keeps the order the user wrote, for labels.
public struct MetricIdentity: Sendable, Equatable, Hashable, Codable {
    public var namespace: String
    public var name: String
    /// Sorted by name, then value: the canonical form used for equality and hashing.
    public private(set) var dimensions: [Dimension]

    public init(namespace: String, name: String, dimensions: [Dimension] = []) {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// The value of dimension `name`, if the metric has it.
    public func dimensionValue(_ name: String) -> String? {
        dimensions.first { $0.name == name }?.value
    }
}
