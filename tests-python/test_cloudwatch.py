"""boto3 against `graphshot serve` on every CloudWatch protocol (api.md §2–§7)."""
import gzip
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from gs import client, count_near, png_info, png_pixels

PROTOCOLS = [None, "query", "smithy-rpc-v2-cbor"]
BLUE = (0x1F, 0x77, 0xB4)  # the first palette colour


def publish(cw, namespace, minutes=120, hosts=("a",), now=None):
    """One datapoint per minute per host, ending now; returns the time of the last one."""
    now = now or int(time.time()) // 60 * 60
    data = [
        {"MetricName": "Latency", "Value": 100.0 + 50 * (i % 10) + 20 * h, "Unit": "Milliseconds",
         "Timestamp": now - 60 * i, "Dimensions": [{"Name": "Host", "Value": host}]}
        for h, host in enumerate(hosts) for i in range(minutes)
    ]
    for k in range(0, len(data), 1000):
        cw.put_metric_data(Namespace=namespace, MetricData=data[k:k + 1000])
    return now


def widget(namespace, width=400, height=250, hosts=("a",), **extra):
    rows = [[namespace, "Latency", "Host", hosts[0]]] + [["...", h] for h in hosts[1:]]
    return json.dumps({"metrics": rows, "period": 60, "start": "-PT2H", "width": width, "height": height,
                       "title": "Latency", **extra})


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_put_then_image_on_every_protocol(server, protocol):
    cw = client(server, protocol)
    ns = f"Test/{uuid.uuid4().hex[:8]}"
    publish(cw, ns)
    image = cw.get_metric_widget_image(MetricWidget=widget(ns, 400, 250))["MetricWidgetImage"]
    assert png_info(image) == (400, 250)
    assert count_near(png_pixels(image), BLUE) > 200, "the series line is drawn"
    # OutputFormat=png given explicitly is the same API response.
    again = cw.get_metric_widget_image(MetricWidget=widget(ns, 120, 90), OutputFormat="png")["MetricWidgetImage"]
    assert png_info(again) == (120, 90)


def test_an_empty_graph_draws_no_series(server):
    cw = client(server)
    image = cw.get_metric_widget_image(MetricWidget=widget("Test/Nothing", 400, 250))["MetricWidgetImage"]
    assert png_info(image) == (400, 250)
    assert count_near(png_pixels(image), BLUE) <= 120  # the 10 × 10 legend swatch only


def test_output_format_image_png_returns_raw_png(server):
    body = json.dumps({"MetricWidget": widget("Test/Raw", 300, 200), "OutputFormat": "image/png"}).encode()
    req = urllib.request.Request(server.url + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "GraniteServiceVersion20100801.GetMetricWidgetImage"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Content-Type"] == "image/png"
        assert png_info(r.read()) == (300, 200)
    form = urllib.parse.urlencode({"Action": "GetMetricWidgetImage", "Version": "2010-08-01",
                                   "MetricWidget": widget("Test/Raw", 200, 100), "OutputFormat": "image/png"}).encode()
    req = urllib.request.Request(server.url + "/", data=form, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    with urllib.request.urlopen(req) as r:
        assert png_info(r.read()) == (200, 100)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
@pytest.mark.parametrize("fmt,magic", [("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_vector_output_formats(server, protocol, fmt, magic):
    """Beyond CloudWatch: OutputFormat svg and pdf carry the vector image in MetricWidgetImage."""
    cw = client(server, protocol)
    ns = f"Test/Vector{uuid.uuid4().hex[:6]}"
    publish(cw, ns, minutes=30)
    image = cw.get_metric_widget_image(MetricWidget=widget(ns, 300, 200), OutputFormat=fmt)["MetricWidgetImage"]
    assert image.startswith(magic), image[:40]


@pytest.mark.parametrize("fmt,content_type,magic", [("image/svg+xml", "image/svg+xml", b"<?xml"),
                                                    ("application/pdf", "application/pdf", b"%PDF")])
def test_raw_vector_output_formats(server, fmt, content_type, magic):
    body = json.dumps({"MetricWidget": widget("Test/Raw", 300, 200), "OutputFormat": fmt}).encode()
    req = urllib.request.Request(server.url + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "GraniteServiceVersion20100801.GetMetricWidgetImage"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Content-Type"] == content_type
        assert r.read().startswith(magic)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_gzip_sized_put_metric_data(server, protocol):
    """botocore gzips PutMetricData bodies of 10 KiB or more on every protocol."""
    cw = client(server, protocol)
    ns = f"Test/Gzip{uuid.uuid4().hex[:6]}"
    sent = []
    cw.meta.events.register("before-send.cloudwatch.PutMetricData",
                            lambda request, **_: sent.append(request.headers.get("Content-Encoding")))
    now = publish(cw, ns, minutes=300)
    assert sent == [b"gzip"] or sent == ["gzip"], sent
    result = cw.get_metric_statistics(Namespace=ns, MetricName="Latency", Dimensions=[{"Name": "Host", "Value": "a"}],
                                      StartTime=now - 299 * 60, EndTime=now + 60, Period=3600, Statistics=["SampleCount"])
    assert sum(p["SampleCount"] for p in result["Datapoints"]) == 300


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_get_metric_data_and_list_metrics(server, protocol):
    cw = client(server, protocol)
    ns = f"Test/Data{uuid.uuid4().hex[:6]}"
    now = publish(cw, ns, minutes=30, hosts=("a", "b"))
    r = cw.get_metric_data(
        MetricDataQueries=[{"Id": "m1", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Latency",
                                                                 "Dimensions": [{"Name": "Host", "Value": "b"}]},
                                                      "Period": 600, "Stat": "Maximum"}},
                           {"Id": "m2", "Label": "samples", "MetricStat": {
                               "Metric": {"Namespace": ns, "MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}]},
                               "Period": 600, "Stat": "SampleCount"}}],
        StartTime=now - 1800, EndTime=now + 60, ScanBy="TimestampAscending")
    results = {x["Id"]: x for x in r["MetricDataResults"]}
    assert results["m1"]["Label"] == "Latency"
    assert max(results["m1"]["Values"]) == 100 + 450 + 20
    assert results["m2"]["Label"] == "samples"
    assert sum(results["m2"]["Values"]) == 30
    assert results["m1"]["Timestamps"] == sorted(results["m1"]["Timestamps"])
    assert results["m1"]["StatusCode"] == "Complete"
    listed = cw.list_metrics(Namespace=ns)["Metrics"]
    assert [m["Dimensions"] for m in listed] == [[{"Name": "Host", "Value": "a"}], [{"Name": "Host", "Value": "b"}]]
    assert cw.list_metrics(Namespace=ns, Dimensions=[{"Name": "Host", "Value": "b"}])["Metrics"][0]["MetricName"] == "Latency"
    assert cw.list_metrics(Namespace=ns, RecentlyActive="PT3H")["Metrics"]


def test_list_metrics_pages(server):
    cw = client(server)
    ns = f"Test/Pages{uuid.uuid4().hex[:6]}"
    now = int(time.time())
    for k in range(0, 1200, 1000):
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": f"m{i:04d}", "Value": 1.0, "Timestamp": now} for i in range(k, min(k + 1000, 1200))])
    pages = list(cw.get_paginator("list_metrics").paginate(Namespace=ns))
    assert [len(p["Metrics"]) for p in pages] == [500, 500, 200]
    names = [m["MetricName"] for p in pages for m in p["Metrics"]]
    assert names == sorted(names) and len(set(names)) == 1200


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_get_metric_data_with_math(server, protocol):
    cw = client(server, protocol)
    ns = f"Test/Math{uuid.uuid4().hex[:6]}"
    now = publish(cw, ns, minutes=20, hosts=("a", "b"))
    r = cw.get_metric_data(MetricDataQueries=[
        {"Id": "a", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}]}, "Period": 300, "Stat": "Average"}},
        {"Id": "b", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "b"}]}, "Period": 300, "Stat": "Average"}},
        {"Id": "diff", "Expression": "b - a", "Label": "diff"}], StartTime=now - 1200, EndTime=now + 60)
    assert [x["Id"] for x in r["MetricDataResults"]] == ["diff"]
    assert set(r["MetricDataResults"][0]["Values"]) == {20.0}


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_dashboards_round_trip(server, protocol):
    cw = client(server, protocol)
    name = f"ops-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
        "region": "us-east-1", "metrics": [["App", "Latency", "Host", "a"]], "period": 300, "stat": "Average"}}]})
    assert cw.put_dashboard(DashboardName=name, DashboardBody=body)["DashboardValidationMessages"] == []
    got = cw.get_dashboard(DashboardName=name)
    assert got["DashboardBody"] == body
    assert got["DashboardArn"].endswith(f":dashboard/{name}")
    entries = cw.list_dashboards(DashboardNamePrefix=name)["DashboardEntries"]
    assert [(e["DashboardName"], e["Size"]) for e in entries] == [(name, len(body))]
    cw.delete_dashboards(DashboardNames=[name])
    with pytest.raises(ClientError) as e:
        cw.get_dashboard(DashboardName=name)
    assert e.value.response["Error"]["Code"] == "ResourceNotFound"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_invalid_dashboard_body(server, protocol):
    cw = client(server, protocol)
    with pytest.raises(ClientError) as e:
        cw.put_dashboard(DashboardName="bad", DashboardBody=json.dumps({"widgets": [{"type": "chart"}]}))
    assert e.value.response["Error"]["Code"] == "InvalidParameterInput"


MALFORMED = [
    ("{not json", "InvalidParameterValue"),
    (json.dumps({"metrics": [["A", "B"]] * 101}), "InvalidParameterValue"),
    (json.dumps({"metrics": [["A", "B"]], "width": 2001}), "InvalidParameterValue"),
    (json.dumps({"metrics": [["A", "B"]], "height": 0}), "InvalidParameterValue"),
    (json.dumps({"metrics": [["A", "B"]], "title": "x" * 103_000}), "InvalidParameterValue"),
    (json.dumps({"metrics": [["A"]]}), "InvalidParameterValue"),
    (json.dumps({"metrics": [["A", "B"]], "start": "yesterday"}), "InvalidParameterValue"),
]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
@pytest.mark.parametrize("document,code", MALFORMED, ids=["json", "rows", "width", "height", "size", "row", "start"])
def test_malformed_widgets_raise_client_error(server, protocol, document, code):
    cw = client(server, protocol)
    with pytest.raises(ClientError) as e:
        cw.get_metric_widget_image(MetricWidget=document)
    err = e.value.response["Error"]
    assert err["Code"] == code, err
    assert err["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert type(e.value).__name__ == "InvalidParameterValueException"


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_put_metric_data_limits(server, protocol):
    cw = client(server, protocol)
    cases = [
        (dict(Namespace="A", MetricData=[{"MetricName": "x", "Value": 1.0}] * 1001), "InvalidParameterValue"),
        (dict(Namespace="A", MetricData=[{"MetricName": "x", "Value": 1.0, "Timestamp": 0}]), "InvalidParameterValue"),
        (dict(Namespace="A", MetricData=[{"MetricName": "x", "Value": 1.0, "StatisticValues": {
            "SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]), "InvalidParameterCombination"),
        (dict(Namespace="A", MetricData=[{"MetricName": "x", "Values": [1.0, 2.0], "Counts": [1.0]}]), "InvalidParameterCombination"),
        (dict(Namespace="A", MetricData=[{"MetricName": "x", "Value": 1.0, "Dimensions": [{"Name": "h", "Value": "é"}]}]),
         "InvalidParameterValue"),
    ]
    for args, code in cases:
        with pytest.raises(ClientError) as e:
            cw.put_metric_data(**args)
        assert e.value.response["Error"]["Code"] == code, (args, e.value.response["Error"])


def test_one_megabyte_limit(server):
    body = b'{"Namespace": "A", "MetricData": [' + b",".join([b'{"MetricName": "x", "Value": 1.0}'] * 40_000) + b"]}"
    req = urllib.request.Request(server.url + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 413
    assert e.value.headers["x-amzn-query-error"].startswith("RequestEntityTooLarge;")
    gz = gzip.compress(b"not json at all")
    req = urllib.request.Request(server.url + "/", data=gz, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "Content-Encoding": "gzip",
        "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 400
    # A gzip bomb (20 MB of zeros in 20 KB) is refused, not inflated.
    bomb = gzip.compress(b"0" * 20_000_000)
    req = urllib.request.Request(server.url + "/", data=bomb, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "Content-Encoding": "gzip",
        "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 400 and b"inflated" in e.value.read()


def test_unknown_operation(server):
    cw = client(server, "query")
    with pytest.raises(ClientError) as e:
        cw.describe_alarms()
    assert e.value.response["Error"]["Code"] == "InvalidAction"
    with pytest.raises(ClientError) as e:
        client(server).describe_alarms()
    assert e.value.response["Error"]["Code"] == "UnknownOperationException"


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_throttling(throttled_server, protocol):
    cw = client(throttled_server, protocol, retries=0)
    codes = []
    for _ in range(12):
        try:
            cw.get_metric_widget_image(MetricWidget=json.dumps({"metrics": [["A", "B"]], "width": 40, "height": 40}))
            codes.append("ok")
        except ClientError as e:
            codes.append(e.response["Error"]["Code"])
    assert "Throttling" in codes and "ok" in codes, codes
    time.sleep(1.2)
    cw.get_metric_widget_image(MetricWidget=json.dumps({"metrics": [["A", "B"]], "width": 40, "height": 40}))


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_text_round_trips_exactly(server, protocol):
    """XML escaping, CBOR text and JSON escapes keep names and values byte for byte
    (CloudWatch allows printable ASCII in names and dimension values)."""
    cw = client(server, protocol)
    ns = f"Text/{uuid.uuid4().hex[:6]}"
    value = 'a&b <c> "d" \'e\' ]]> \\ / +%20= ~`!@#$^*()[]{}|;?,'
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "m&<>", "Value": 1.0,
                                                   "Dimensions": [{"Name": "Where", "Value": value}]}])
    [metric] = cw.list_metrics(Namespace=ns)["Metrics"]
    assert metric["MetricName"] == "m&<>"
    assert metric["Dimensions"] == [{"Name": "Where", "Value": value}]
