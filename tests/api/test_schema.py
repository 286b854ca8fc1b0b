"""OpenAPI 3.1 at /api/v1/schema/, documentation without any CDN, problems documented."""

import json
import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_1_and_public(client, schema):
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/partner/" in schema["paths"] and "/api/v1/webhooks/" in schema["paths"]
    yaml_version = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert yaml_version["openapi"] == "3.1.0"


@pytest.mark.urls("tests.api.urls")  # has a staff endpoint too
def test_security_schemes(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["partnerApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["partnerApiKey"]["description"],
    }
    assert schemes["staffToken"]["scheme"] == "bearer"
    assert schemes["staffSession"]["in"] == "cookie"
    assert schema["paths"]["/api/v1/partner/"]["get"]["security"] == [{"partnerApiKey": []}]
    assert schema["paths"]["/api/test/staff/"]["get"]["security"] == [
        {"staffToken": []},
        {"staffSession": []},
    ]


def test_every_operation_documents_its_problem_responses(schema):
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    expected = {
        ("/api/v1/partner/", "get"): {"200", "401", "429", "500"},
        ("/api/v1/webhooks/", "get"): {"200", "401", "404", "429", "500"},
        ("/api/v1/webhooks/", "post"): {
            "201", "400", "401", "409", "413", "415", "422", "429", "500"
        },
        ("/api/v1/webhooks/", "delete"): {"204", "401", "404", "429", "500"},
    }  # fmt: skip
    for key, codes in expected.items():
        responses = operations[key]["responses"]
        assert codes <= set(responses), (key, set(responses))
        for code, response in responses.items():
            if int(code) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (key, code)
    for operation in operations.values():
        assert "500" in operation["responses"]
    post = operations[("/api/v1/webhooks/", "post")]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= post["parameters"][0].items()
    problem = schema["components"]["schemas"]["ValidationProblem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])


def test_documentation_pages_use_local_static_files_only(client):
    for url in ("/api/v1/docs/",):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        references = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', page)
        assert references, url
        for reference in references:
            assert reference.startswith("/"), (url, reference)
        assert "cdn" not in page.lower() and "unpkg" not in page.lower()
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", page), url
        assert "/static/drf_spectacular_sidecar/" in page


def test_the_lead_body_documents_naf_version_and_city(schema):
    component = next(
        value
        for name, value in schema["components"]["schemas"].items()
        if name.startswith("LeadCompanyInput")
    )
    properties = component["properties"]
    assert "naf_version" in properties and "naf_version" not in component.get("required", [])
    version_schema = json.dumps(properties["naf_version"])
    assert "rev2" in version_schema or "$ref" in version_schema
    assert "départements" in properties["city"]["description"]


def test_the_case_detail_documents_the_information_of_employees(schema):
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert "employee_information" in detail
    information = schema["components"]["schemas"]["EmployeeInformation"]
    assert set(information["properties"]) == {"status", "message", "warning"}
