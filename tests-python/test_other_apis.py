"""Datadog's graph snapshot and NAVER Cloud Insight's widget image on the same server and store."""
import json
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from gs import Server, client, count_near, png_info, png_pixels

BLUE = (0x1F, 0x77, 0xB4)


def get(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def test_health(server):
    h = server.health()
    assert h["status"] == "ok" and h["renderThreads"] >= 1


def test_datadog_snapshot(server):
    cw = client(server)
    metric = f"app.load.{uuid.uuid4().hex[:6]}"
    now = int(time.time()) // 60 * 60
    cw.put_metric_data(Namespace="Datadog", MetricData=[
        {"MetricName": metric, "Value": 1.0 + (i % 5) + (2 if host == "b" else 0), "Timestamp": now - 60 * i,
         "Dimensions": [{"Name": "host", "Value": host}]} for host in "ab" for i in range(60)])
    cw.put_metric_data(Namespace="Events", MetricData=[
        {"MetricName": "deploy", "Value": 1.0, "Timestamp": now - 1800, "Dimensions": [{"Name": "service", "Value": "web"}]}])
    q = urllib.parse.urlencode({"metric_query": f"avg:{metric}{{*}} by {{host}}", "start": now - 3600, "end": now,
                                "title": "Load", "width": 500, "height": 300, "event_query": "tags:service:web"})
    status, body, headers = get(f"{server.url}/api/v1/graph/snapshot?{q}")
    assert status == 200, body
    answer = json.loads(body)
    assert answer["metric_query"] == f"avg:{metric}{{*}} by {{host}}"
    assert answer["snapshot_url"].startswith(server.url + "/snapshot/view/")
    status, png, headers = get(answer["snapshot_url"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert png_info(png) == (500, 300)
    assert count_near(png_pixels(png), BLUE) > 200
    # graph_def with arithmetic, area type.
    graph = {"viz": "timeseries", "requests": [{"q": f"sum:{metric}{{host:b}} / sum:{metric}{{host:a}} * 100", "type": "area"}]}
    q = urllib.parse.urlencode({"graph_def": json.dumps(graph), "start": now - 3600, "end": now})
    status, body, _ = get(f"{server.url}/api/v1/graph/snapshot?{q}")
    assert status == 200, body
    assert png_info(get(json.loads(body)["snapshot_url"])[1]) == (600, 400)


def test_datadog_errors(server):
    status, body, _ = get(f"{server.url}/api/v1/graph/snapshot?start=1&end=2")
    assert status == 400 and "errors" in json.loads(body)
    q = urllib.parse.urlencode({"metric_query": "median:a{*}", "start": 1, "end": 100})
    status, body, _ = get(f"{server.url}/api/v1/graph/snapshot?{q}")
    assert status == 400 and "aggregator" in json.loads(body)["errors"][0]
    assert get(f"{server.url}/snapshot/view/{'0' * 64}.png")[0] == 404


def test_datadog_requires_keys_with_credentials(signed_server):
    q = urllib.parse.urlencode({"metric_query": "avg:a{*}", "start": 1, "end": 100})
    status, body, _ = get(f"{signed_server.url}/api/v1/graph/snapshot?{q}")
    assert status == 403 and json.loads(body) == {"errors": ["Forbidden"]}


def test_naver_dashboard_widget(server):
    cw = client(server)
    ns = f"Naver/{uuid.uuid4().hex[:6]}"
    now = int(time.time()) // 60 * 60
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "CPU", "Value": 10.0 + i % 30, "Timestamp": now - 60 * i, "Dimensions": [{"Name": "Server", "Value": "s1"}]}
        for i in range(180)])
    name = f"naver-{uuid.uuid4().hex[:6]}"
    cw.put_dashboard(DashboardName=name, DashboardBody=json.dumps({"widgets": [
        {"type": "text", "properties": {"markdown": "# notes"}},
        {"type": "metric", "properties": {"region": "kr-standard", "title": "CPU", "stat": "Average",
                                          "metrics": [[ns, "CPU", "Server", "s1"]]}}]}))
    base = f"{server.url}/cw_fea/real/cw/api/chart/dashboard/{name}/widgets"
    times = f"startTime={(now - 3 * 3600) * 1000}&endTime={now * 1000}"
    for mode in ("AUTO", "HIGH"):
        status, png, headers = get(f"{base}/1?{times}&widgetResolutionMode={mode}")
        assert status == 200 and headers["Content-Type"] == "image/png", png
        assert png_info(png) == (800, 600)
        assert count_near(png_pixels(png), BLUE) > 300
    assert get(f"{base}/0?{times}")[0] == 400  # a text widget
    assert get(f"{base}/7?{times}")[0] == 404
    assert get(f"{server.url}/cw_fea/real/cw/api/chart/dashboard/none/widgets/0?{times}")[0] == 404
    status, body, _ = get(f"{base}/1?startTime=5")
    assert status == 400 and json.loads(body)["error"]["errorCode"] == "400"


def test_naver_dashboard_variables(server):
    """A property variable whose default is __FIRST takes the first Server its search finds."""
    cw = client(server)
    ns = f"NaverVar/{uuid.uuid4().hex[:6]}"
    now = int(time.time()) // 60 * 60
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "CPU", "Value": 10.0 + i % 30, "Timestamp": now - 60 * i, "Dimensions": [{"Name": "Server", "Value": "web-1"}]}
        for i in range(180)])
    name = f"naver-var-{uuid.uuid4().hex[:6]}"

    def dashboard(default):
        return json.dumps({
            "variables": [{"type": "property", "property": "Server", "inputType": "select", "id": "server",
                           "defaultValue": default, "search": f"{{{ns},Server}} CPU", "populateFrom": "Server"}],
            "widgets": [{"type": "metric", "properties": {"region": "kr-standard", "title": "CPU", "stat": "Average",
                                                          "metrics": [[ns, "CPU", "Server", "no-such-server"]]}}]})

    base = f"{server.url}/cw_fea/real/cw/api/chart/dashboard/{name}/widgets/0"
    times = f"startTime={(now - 3 * 3600) * 1000}&endTime={now * 1000}"
    cw.put_dashboard(DashboardName=name, DashboardBody=dashboard("__FIRST"))
    status, png, _ = get(f"{base}?{times}")
    assert status == 200, png
    drawn = count_near(png_pixels(png), BLUE)
    assert drawn > 300, "the variable points the widget at web-1, which has data"
    cw.put_dashboard(DashboardName=name, DashboardBody=dashboard("other"))
    status, png, _ = get(f"{base}?{times}")
    # Only the legend swatch is blue when the chosen server has no data.
    assert status == 200 and count_near(png_pixels(png), BLUE) < drawn / 3, "a server without data draws no line"
    with pytest.raises(ClientError) as bad:
        cw.put_dashboard(DashboardName=name, DashboardBody=dashboard("x").replace('"id": "server"', '"id": "bad id"'))
    assert bad.value.response["Error"]["Code"] == "InvalidParameterInput"


def test_graceful_shutdown_finishes_in_flight_requests():
    s = Server()
    cw = client(s)
    now = int(time.time()) // 60 * 60
    cw.put_metric_data(Namespace="Shutdown", MetricData=[
        {"MetricName": "x", "Value": float(i % 9), "Timestamp": now - 60 * i, "Dimensions": [{"Name": "n", "Value": str(k)}]}
        for k in range(10) for i in range(100)])
    widget = json.dumps({"metrics": [["Shutdown", "x", "n", str(k)] for k in range(10)], "period": 60, "start": "-PT2H",
                         "width": 1600, "height": 1000})
    results = []

    def render():
        try:
            results.append(cw.get_metric_widget_image(MetricWidget=widget)["MetricWidgetImage"][:4])
        except Exception as e:  # noqa: BLE001 - recorded for the assertion below
            results.append(e)

    threads = [threading.Thread(target=render) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    s.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(30)
    assert s.proc.wait(30) == 0
    assert results == [b"\x89PNG"] * 3, results


def test_naver_signature_with_credentials(signed_server):
    import base64
    import hashlib
    import hmac

    from gs import KEY_ID, SECRET
    cw = client(signed_server)
    cw.put_dashboard(DashboardName="signed-naver", DashboardBody=json.dumps({"widgets": [
        {"type": "metric", "properties": {"region": "kr", "metrics": [["Signed", "x"]]}}]}))
    now = int(time.time())
    path = "/cw_fea/real/cw/api/chart/dashboard/signed-naver/widgets/0"
    query = f"startTime={(now - 3600) * 1000}&endTime={now * 1000}"

    def fetch(key=KEY_ID, secret=SECRET, timestamp=None):
        timestamp = str(timestamp or int(time.time() * 1000))
        message = f"GET {path}?{query}\n{timestamp}\n{key}".encode()
        signature = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
        req = urllib.request.Request(f"{signed_server.url}{path}?{query}", headers={
            "x-ncp-apigw-timestamp": timestamp, "x-ncp-iam-access-key": key, "x-ncp-apigw-signature-v2": signature})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    status, png = fetch()
    assert status == 200 and png_info(png) == (800, 600)
    assert fetch(secret="wrong")[0] == 401
    assert fetch(key="AKIDUNKNOWN")[0] == 401
    assert fetch(timestamp=(now - 900) * 1000)[0] == 401
    assert get(f"{signed_server.url}{path}?{query}")[0] == 401


def test_store_path_persists_across_restarts(tmp_path):
    path = str(tmp_path / "metrics.sqlite")
    s = Server("--store", path)
    assert s.health()["features"]["persistentStore"] is True
    cw = client(s)
    now = int(time.time())
    cw.put_metric_data(Namespace="Persist", MetricData=[{"MetricName": "kept", "Value": 7.0, "Timestamp": now}])
    cw.put_dashboard(DashboardName="kept", DashboardBody=json.dumps({"widgets": []}))
    assert s.stop() == 0
    s = Server("--store", path)
    try:
        cw = client(s)
        assert [m["MetricName"] for m in cw.list_metrics(Namespace="Persist")["Metrics"]] == ["kept"]
        assert cw.get_dashboard(DashboardName="kept")["DashboardBody"] == json.dumps({"widgets": []})
        r = cw.get_metric_statistics(Namespace="Persist", MetricName="kept", StartTime=now - 600, EndTime=now + 600,
                                     Period=60, Statistics=["Maximum"])
        assert [p["Maximum"] for p in r["Datapoints"]] == [7.0]
    finally:
        s.stop()
