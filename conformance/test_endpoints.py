"""Endpoints: every documented method and path is served (reference: every endpoint section)."""

from __future__ import annotations

import pytest

from pytest_jetonomy import expect
from pytest_jetonomy.contract import load_contract

from .examples import Examples

CONTRACT = load_contract()
ENDPOINTS = [pytest.param(e, id=e.label) for e in CONTRACT.endpoints]


@pytest.mark.requirement("JT-EP-002")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_route_is_served(endpoint, examples: Examples) -> None:
    """An authorised caller's valid request never meets 404 rest_no_route or 405."""
    response = examples.send(endpoint)
    routed = not (
        response.status == 405
        or (response.status == 404 and response.is_json and response.json().get("code") == "rest_no_route")
    )
    expect.that(routed, f"{endpoint.label} to be routed (not 404 rest_no_route, not 405)", response)


@pytest.mark.requirement("JT-EP-003")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_valid_request_succeeds(endpoint, examples: Examples) -> None:
    """The catalogue's valid example, sent by an allowed caller, gets a documented success."""
    response = examples.send(endpoint)
    expect.status(response, endpoint.response["status"], why=f"success of {endpoint.label}")
