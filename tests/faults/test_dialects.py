"""The checks verify the promise, not our server's spelling of it.

The reference server has two dialects that read the reference's silences differently (field
names, list shapes, bodies the reference does not document...). Promise-level checks must
pass on both and fail on a fault variant of each; a sample of fault variants must be caught
on the alt dialect too (the full catalogue runs on the default dialect in
``test_faults_caught.py``).
"""

from __future__ import annotations

import pytest

from pytest_jetonomy.reference.faults import catalogue

from .harness import run_suite_with_fault

DIALECTS = ("default", "alt")

PROMISES = {
    "vote toggle": ("JT-BEHAV-003", "vote-recast-does-not-toggle"),
    "settings merge": ("JT-BEHAV-009", "user-settings-replaced"),
    "Basic-auth identity": ("JT-AUTH-003", "basic-auth-header-dropped"),
    "bookmark listed": ("JT-BEHAV-049", "bookmark-not-saved"),
    "tag listed": ("JT-BEHAV-072", "tags-used-once-not-listed"),
}
"""The promises the issue that introduced the alt dialect named, with a fault breaking each."""

ALT_SAMPLE = (
    "vote-value-not-validated",
    "opposite-vote-removes-instead-of-switching",
    "delete-reply-vote-does-nothing",
    "space-settings-replaced",
    "open-join-left-pending",
    "invite-join-without-token",
    "member-role-change-ignored",
    "pin-does-not-unpin",
    "split-leaves-reply-in-place",
    "deleted-reply-still-listed",
    "post-edit-appends-tags",
    "notification-cannot-be-marked-unread",
    "unsubscribe-leaves-subscription",
    "search-mode-ignored",
    "search-author-filter-ignored",
    "leaderboard-lowest-first",
    "new-flags-stored-as-new",
    "default-page-size-10",
    "offset-off-by-one",
    "cursor-skips-an-item",
    "total-pages-rounded-down",
    "posts-without-reply-count",
    "post-author-is-the-caller",
    "email-in-public-profiles",
)
"""At least 20 fault variants, across the areas, that must be caught on the alt dialect."""


def _status(document: dict, rid: str) -> dict:
    return next(r for r in document["requirements"] if r["id"] == rid)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("promise", list(PROMISES))
def test_promise_check_passes_on_both_dialects(
    pytester: pytest.Pytester,
    files_by_requirement: dict[str, set[str]],
    promise: str,
    dialect: str,
) -> None:
    rid, _ = PROMISES[promise]
    document = run_suite_with_fault(pytester, None, [rid], files_by_requirement, dialect)
    result = _status(document, rid)
    assert result["status"] == "passed", (promise, dialect, result)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("promise", list(PROMISES))
def test_promise_check_fails_on_its_fault_in_both_dialects(
    pytester: pytest.Pytester,
    files_by_requirement: dict[str, set[str]],
    promise: str,
    dialect: str,
) -> None:
    rid, fault = PROMISES[promise]
    document = run_suite_with_fault(
        pytester, catalogue()[fault], [rid], files_by_requirement, dialect
    )
    result = _status(document, rid)
    assert result["status"] == "failed", (promise, dialect, fault, result)


def test_the_alt_sample_is_large_and_known() -> None:
    assert len(ALT_SAMPLE) >= 20
    assert set(ALT_SAMPLE) <= set(catalogue())


@pytest.mark.parametrize("fault", ALT_SAMPLE)
def test_fault_is_caught_on_the_alt_dialect(
    pytester: pytest.Pytester,
    files_by_requirement: dict[str, set[str]],
    fault: str,
) -> None:
    variant = catalogue()[fault]
    document = run_suite_with_fault(
        pytester, variant, list(variant.breaks), files_by_requirement, "alt"
    )
    missed = [rid for rid in variant.breaks if _status(document, rid)["status"] != "failed"]
    assert not missed, (fault, [_status(document, rid) for rid in missed])
