"""SigV4 with `--credentials`: real boto3-signed requests pass; tampered, unsigned, unknown and
stale ones fail with AWS's codes."""
import datetime
import json
import urllib.error
import urllib.request

import botocore.auth
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from gs import KEY_ID, SECRET, client

PROTOCOLS = [None, "query", "smithy-rpc-v2-cbor"]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_signed_requests_pass(signed_server, protocol):
    cw = client(signed_server, protocol)
    cw.put_metric_data(Namespace="Signed", MetricData=[{"MetricName": "x", "Value": 1.0}])
    # A gzip-sized batch: the signature covers the compressed bytes.
    cw.put_metric_data(Namespace="Signed", MetricData=[{"MetricName": f"m{i}", "Value": 1.0} for i in range(400)])
    assert cw.list_metrics(Namespace="Signed")["Metrics"]
    image = cw.get_metric_widget_image(MetricWidget=json.dumps({"metrics": [["Signed", "x"]], "width": 60, "height": 40}))
    assert image["MetricWidgetImage"][:4] == b"\x89PNG"


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["json", "query", "cbor"])
def test_bad_signatures_fail(signed_server, protocol):
    def code(cw):
        with pytest.raises(ClientError) as e:
            cw.list_metrics()
        return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]

    assert code(client(signed_server, protocol, secret="wrong")) == ("SignatureDoesNotMatch", 403)
    assert code(client(signed_server, protocol, key="AKIDUNKNOWN")) == ("InvalidClientTokenId", 403)
    assert code(client(signed_server, protocol, signature_version=UNSIGNED)) == ("MissingAuthenticationToken", 403)


def test_tampered_body_fails(signed_server):
    cw = client(signed_server)

    def tamper(request, **_):
        request.body = request.body.replace(b'"Signed"', b'"Forged"')

    cw.meta.events.register("before-send.cloudwatch.ListMetrics", tamper)
    with pytest.raises(ClientError) as e:
        cw.list_metrics(Namespace="Signed")
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def raw(url, method="POST", body=b"", headers=None):
    req = urllib.request.Request(url, data=body if method == "POST" else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def signed(url, body, when=None, sign_as="monitoring"):
    """Headers of a ListMetrics request signed by botocore, at `when` (a datetime) if given."""
    request = AWSRequest(method="POST", url=url, data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics"})
    auth = SigV4Auth(Credentials(KEY_ID, SECRET), sign_as, "us-east-1")
    real = botocore.auth.get_current_datetime
    if when:
        botocore.auth.get_current_datetime = lambda: when
    try:
        auth.add_auth(request)
    finally:
        botocore.auth.get_current_datetime = real
    return dict(request.headers)


def test_clock_skew_and_scope(signed_server):
    url = signed_server.url + "/"
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, body, headers = raw(url, body=b"{}", headers=signed(url, b"{}", when=old))
    assert (status, headers["x-amzn-query-error"]) == (400, "RequestExpired;Sender"), body
    status, body, headers = raw(url, body=b"{}", headers=signed(url, b"{}", sign_as="s3"))
    assert headers["x-amzn-query-error"] == "IncompleteSignature;Sender", body
    status, _, _ = raw(url, body=b"{}", headers=signed(url, b"{}"))
    assert status == 200


def test_presigned_query_string(signed_server):
    url = signed_server.url + "/?Action=ListMetrics&Version=2010-08-01&Namespace=Signed"
    request = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials(KEY_ID, SECRET), "monitoring", "us-east-1", expires=60).add_auth(request)
    status, body, _ = raw(request.url, method="GET")
    assert status == 200 and b"<ListMetricsResponse" in body, body
    forged = request.url.replace("Namespace=Signed", "Namespace=Other")
    status, body, _ = raw(forged, method="GET")
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, body
