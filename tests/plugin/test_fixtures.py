"""The user-facing fixtures, run in inner pytest sessions against the embedded server."""

from __future__ import annotations

import json

import pytest


def test_clients_per_role_and_anonymous(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("role", ["admin", "moderator", "leader", "regular", "member", "new_member"])
        def test_role(jetonomy_client, role):
            client = jetonomy_client(role)
            assert client.identity == role
            response = client.get("/users/me")
            assert response.status == 200, response.exchange.describe()

        def test_anonymous(jetonomy_anonymous):
            assert jetonomy_anonymous.get("/users/me").status == 401
            assert jetonomy_anonymous.get("/spaces").status == 200
        """
    )
    pytester.runpytest().assert_outcomes(passed=7)


def test_seeded_space_spans_three_pages_and_is_created_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_seeded(jetonomy_seeded_space, jetonomy_anonymous, n):
            space = jetonomy_seeded_space["space"]
            assert len(jetonomy_seeded_space["post_ids"]) == 45
            response = jetonomy_anonymous.get(f"/spaces/{space['id']}/posts")
            assert response.status == 200
            assert response.headers["X-JT-TotalPages"] == "3"

        def test_only_one_seeded_space(jetonomy_admin, jetonomy_run_prefix, jetonomy_seeded_space):
            names = [s["name"] for s in jetonomy_admin.get("/spaces", params={"limit": 100}).items]
            assert len([n for n in names if n.startswith(jetonomy_run_prefix + "-seeded")]) == 1
        """
    )
    pytester.runpytest("-n", "2").assert_outcomes(passed=5)


def test_factories_create_with_prefix_and_clean_up(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        CREATED = {}

        def test_create(jetonomy_space_factory, jetonomy_post_factory, jetonomy_reply_factory,
                        jetonomy_client, jetonomy_run_prefix):
            space = jetonomy_space_factory(type="qa")
            assert space["name"].startswith(jetonomy_run_prefix)
            assert space["type"] == "qa"
            member = jetonomy_client("member")
            assert member.post(f"/spaces/{space['id']}/members").status in (200, 201)
            post = jetonomy_post_factory(space["id"], client=member)
            assert post["author_id"] == member.get("/users/me").json()["id"]
            reply = jetonomy_reply_factory(post["id"])
            CREATED.update(space=space["id"], post=post["id"], reply=reply["id"])

        def test_cleaned_up(jetonomy_admin):
            assert jetonomy_admin.get(f"/spaces/{CREATED['space']}").status == 404
            assert jetonomy_admin.get(f"/posts/{CREATED['post']}").status == 404
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_session_sweep_removes_run_wide_resources(
    pytester: pytest.Pytester, reference_server
) -> None:
    pytester.makepyfile(
        """
        def test_seed(jetonomy_seeded_space):
            assert jetonomy_seeded_space["space"]["id"]
        """
    )
    result = pytester.runpytest(
        "--target-url",
        reference_server.url,
        "--credentials",
        str(reference_server.credentials_file),
    )
    result.assert_outcomes(passed=1)
    from pytest_jetonomy.client import JetonomyClient
    from pytest_jetonomy.credentials import load_credentials

    admin = JetonomyClient(
        reference_server.url,
        load_credentials(str(reference_server.credentials_file), environ={})["admin"],
    )
    prefix_lines = [line for line in result.stdout.lines if "run prefix" in line]
    prefix = prefix_lines[0].rsplit(" ", 1)[-1]
    names = [s["name"] for s in admin.get("/spaces", params={"limit": 100}).items]
    assert not [n for n in names if n.startswith(prefix)], names


def test_failed_creation_blocks_with_the_single_cause(
    pytester: pytest.Pytester, reference_server
) -> None:
    """A target that cannot create the seeded space: each dependent test is blocked by that
    one cause (neither passed nor failed), never charged a failure of its own."""
    from pytest_jetonomy.credentials import write_credentials_toml

    # the only role, 'admin', is the member user: POST /spaces is refused with 403
    path = pytester.path / "member-as-admin.toml"
    write_credentials_toml(path, {"admin": reference_server.credentials["member"]})
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.requirement("JT-PAGE-001")
        @pytest.mark.parametrize("n", range(3))
        def test_needs_seed(jetonomy_seeded_space, n):
            pass
        """
    )
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        "--target-url",
        reference_server.url,
        f"--credentials={path}",
        f"--conformance-report={report}",
        "-rs",
    )
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines(
        [
            "blocked by POST /spaces answering 403: 1 requirement(s) not verified (JT-PAGE-001)",
            "*blocked by POST /spaces answering 403: setting up the run-wide seeded space*",
        ]
    )
    document = json.loads(report.read_text())
    page = next(r for r in document["requirements"] if r["id"] == "JT-PAGE-001")
    assert page["status"] == "blocked" and page["blocked_by"] == ["POST /spaces answering 403"]
    assert "Traceback" not in result.stdout.str()


def test_a_failed_fixture_of_a_test_without_requirement_is_an_error(
    pytester: pytest.Pytester,
) -> None:
    """Blocking is for conformance checks (they carry a requirement): a project's own test,
    a self-test, whose fixture fails errors as pytest has it, never turns into a skip."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def broken():
            assert False, "the wheel did not build"

        def test_own(broken):
            pass

        @pytest.mark.requirement("JT-PAGE-001")
        def test_check(broken):
            pass
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(errors=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_own*",
            "SKIPPED * test_a_failed_fixture*.py:*: blocked by the wheel did not build*",
        ]
    )


def test_secrets_never_printed_in_failures(pytester: pytest.Pytester, reference_server) -> None:
    pytester.makepyfile(
        """
        from pytest_jetonomy import expect

        def test_fails(jetonomy_admin):
            response = jetonomy_admin.get("/users/me", params={"_wpnonce": "abcdef123456"})
            expect.status(response, 418)
        """
    )
    result = pytester.runpytest(
        "--target-url",
        reference_server.url,
        "--credentials",
        str(reference_server.credentials_file),
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    secret = reference_server.credentials["admin"]["application_password"]
    assert secret not in output and secret.replace(" ", "") not in output
    assert "abcdef123456" not in output
    assert "expected: HTTP 418" in output and "got:  200" in output


def test_rate_limit_isolation_is_active_under_xdist(pytester: pytest.Pytester) -> None:
    """The plugin's autouse fixtures are registered: checks marked
    ``jetonomy_exhausts_rate_limit`` never overlap across workers, and every worker paces
    from one bucket view shared by the run."""
    log = pytester.path / "intervals.txt"
    pytester.makepyfile(
        f"""
        import time
        import pytest

        @pytest.mark.jetonomy_exhausts_rate_limit
        @pytest.mark.parametrize("n", range(4))
        def test_exclusive(n):
            start = time.time()
            time.sleep(0.3)
            with open({str(log)!r}, "a") as f:
                f.write(f"{{start}} {{time.time()}}\\n")

        def test_shared_view(jetonomy_run, jetonomy_anonymous):
            assert jetonomy_anonymous.get("/spaces").status == 200
            shared = jetonomy_run.pacer.shared_dir
            assert shared is not None
            assert list(shared.glob("*-bucket-anonymous"))
        """
    )
    pytester.runpytest("-n", "2").assert_outcomes(passed=5)
    intervals = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(intervals) == 4
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        assert start >= end, f"two exclusive checks overlapped: {intervals}"


def test_max_rps_caps_the_whole_run_under_xdist(pytester: pytest.Pytester) -> None:
    """--max-rps 8 with two workers: each worker's pacer allows 4 requests per second."""
    pytester.makepyfile(
        """
        def test_share(jetonomy_run):
            assert jetonomy_run.pacer.max_rps == 4
        """
    )
    pytester.runpytest("-n", "2", "--max-rps", "8").assert_outcomes(passed=1)
    pytester.makepyfile(
        """
        def test_share(jetonomy_run):
            assert jetonomy_run.pacer.max_rps == 8
        """
    )
    pytester.runpytest("--max-rps", "8").assert_outcomes(passed=1)
