"""The OpenAPI document: errors as problem+json, the Bearer scheme; the docs page is offline."""

from html.parser import HTMLParser

from api.problems import PROBLEM
from tests.support.api_client import api_client

METHODS = {"get", "post", "put", "patch", "delete"}


DOWNLOADS = {
    "/v1/import-rejects/{rejects_id}": {"text/csv"},
    "/v1/deletion-log/export": {"text/csv", "application/vnd.apache.parquet"},
    "/v1/exports/contacts": {"text/csv", "application/vnd.apache.parquet"},
    "/v1/exports/contacts/{contact_id}": {"application/zip"},
}


def test_every_operation_documents_its_errors_as_problem_json_and_needs_a_token(store):
    doc = api_client(store, None).get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    schemes = doc["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    ops = [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items() if m in METHODS]
    assert {p for p, _, _ in ops} >= {
        "/v1/contacts",
        "/v1/contacts/{contact_id}",
        "/v1/layout",
        "/v1/members",
    }
    for path, method, op in ops:
        assert op.get("security") == [{name: []} for name in schemes], (path, method)
        codes = op["responses"]
        assert {"401", "429"} <= set(codes), (path, method)
        for code, response in codes.items():
            if code[0] in "45":
                assert response["content"] == {
                    PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}
                }
            elif path in DOWNLOADS:  # files: documented as what they are
                assert code[0] == "2" and set(response["content"]) & DOWNLOADS[path], (path, method, code)
            else:
                assert code[0] == "2" and "application/json" in response["content"], (path, method, code)
    assert "412" in doc["paths"]["/v1/contacts/{contact_id}"]["patch"]["responses"]
    assert "428" in doc["paths"]["/v1/layout"]["put"]["responses"]


class References(HTMLParser):
    """Every tag and every attribute that could load or lead somewhere."""

    def __init__(self):
        super().__init__()
        self.tags, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.refs += [v for k, v in attrs if k in {"src", "href", "action", "srcset", "data", "poster"}]


def test_the_docs_page_is_self_contained_under_a_strict_csp(store):
    r = api_client(store, None).get("/v1/docs")  # readable without a token
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'none'" in csp and "unsafe-inline" not in csp
    page = References()
    page.feed(r.text)
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    assert all(ref.startswith("#") or ref == "openapi.json" for ref in page.refs), page.refs
    assert "url(" not in r.text and "@import" not in r.text
    for words in (
        "/v1/contacts/{contact_id}",
        "If-Match",
        "curl -X PATCH",
        "Authorization: Bearer",
        "ProblemDetail",
    ):
        assert words in r.text


def test_the_docs_page_escapes_what_the_document_says(store):
    from api.docs import render

    doc = {
        "info": {"title": "<script>x</script>"},
        "paths": {"/a<b>": {"get": {"description": "<img src=x>"}}},
    }
    html = render(doc, "http://h")
    assert "<script>x" not in html and "<img" not in html and "&lt;img src=x&gt;" in html
