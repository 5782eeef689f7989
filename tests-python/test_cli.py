"""The aws CLI (v1, awsJson1_0) against `graphshot serve`, unchanged."""
import base64
import json
import os
import subprocess
import time
import uuid

from gs import png_info


def aws(server, *args, stdin=None):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDCLI", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="eu-west-1",
               AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    r = subprocess.run(["aws", "--endpoint-url", server.url, "cloudwatch", *args], env=env, capture_output=True, text=True,
                       input=stdin, timeout=60)
    return r.returncode, r.stdout, r.stderr


def test_cli_round_trip(server, tmp_path):
    ns = f"Cli/{uuid.uuid4().hex[:6]}"
    now = int(time.time())
    data = [{"MetricName": "Requests", "Value": float(i % 4), "Timestamp": now - 60 * i} for i in range(60)]
    (tmp_path / "data.json").write_text(json.dumps(data))
    assert aws(server, "put-metric-data", "--namespace", ns, "--metric-data", f"file://{tmp_path}/data.json")[0] == 0
    code, out, err = aws(server, "list-metrics", "--namespace", ns)
    assert code == 0, err
    assert json.loads(out)["Metrics"][0]["MetricName"] == "Requests"
    widget = json.dumps({"metrics": [[ns, "Requests"]], "period": 60, "start": "-PT1H", "width": 500, "height": 300})
    code, out, err = aws(server, "get-metric-widget-image", "--metric-widget", widget, "--output-format", "png",
                         "--query", "MetricWidgetImage", "--output", "text")
    assert code == 0, err
    assert png_info(base64.b64decode(out.strip())) == (500, 300)
    body = json.dumps({"widgets": [{"type": "text", "properties": {"markdown": "# hi"}}]})
    assert aws(server, "put-dashboard", "--dashboard-name", "cli-dash", "--dashboard-body", body)[0] == 0
    code, out, _ = aws(server, "get-dashboard", "--dashboard-name", "cli-dash")
    assert json.loads(out)["DashboardBody"] == body
    code, out, _ = aws(server, "list-dashboards")
    assert "cli-dash" in [d["DashboardName"] for d in json.loads(out)["DashboardEntries"]]
    code, out, _ = aws(server, "get-metric-statistics", "--namespace", ns, "--metric-name", "Requests",
                       "--start-time", str(now - 3600), "--end-time", str(now + 60), "--period", "3600", "--statistics", "Sum")
    assert code == 0 and sum(p["Sum"] for p in json.loads(out)["Datapoints"]) == sum(d["Value"] for d in data)
    assert aws(server, "delete-dashboards", "--dashboard-names", "cli-dash")[0] == 0


def test_cli_reports_errors(server):
    code, _, err = aws(server, "get-metric-widget-image", "--metric-widget", '{"metrics": [["A", "B"]], "width": 9999}')
    assert code != 0
    assert "InvalidParameterValue" in err
