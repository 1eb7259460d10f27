"""Every file in deploy/ parses and says what the code understands: compose YAML with PostgreSQL
and a two-replica profile behind a proxy, a systemd unit for the single-box install, a Dockerfile
that runs as non-root with a readiness HEALTHCHECK, an env example whose every key is a setting.
`docker compose config` runs too where a Docker with compose is installed (CI has none)."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stockbot.config import Settings
from stockbot.ops.startup import EX_CONFIG

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
ROOT = DEPLOY.parent


def setting_names() -> set[str]:
    """Every environment variable Settings reads: `STOCKBOT_<field>` and the platform aliases."""
    names = {f"STOCKBOT_{name}".upper() for name in Settings.model_fields}
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        for choice in getattr(alias, "choices", ()):
            names.add(str(choice).upper())
    return names


def env_keys(text: str) -> list[str]:
    """`KEY=value` lines, commented (`#KEY=…`, an option to turn on) or not."""
    return re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, re.M)


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_env_example_names_only_settings_stockbot_reads():
    keys = env_keys((DEPLOY / "stockbot.env.example").read_text())
    assert {"STOCKBOT_ADMINS", "SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"} <= set(keys)
    assert set(keys) - setting_names() == set()


def test_the_env_example_lists_every_setting_with_its_default():
    """An operator reads the example, not config.py: every setting is there, and a commented
    line shows the value stockbot uses when the line stays commented."""
    text = (DEPLOY / "stockbot.env.example").read_text()
    listed = set(env_keys(text))
    for name, field in Settings.model_fields.items():
        names = {f"STOCKBOT_{name}".upper()}
        names |= {str(c).upper() for c in getattr(field.validation_alias, "choices", ())}
        assert names & listed, f"{name} is not in deploy/stockbot.env.example"
    for key, value in re.findall(r"^#([A-Z][A-Z0-9_]*)=(.*)$", text, re.M):
        name = key.removeprefix("STOCKBOT_").lower()
        field = Settings.model_fields.get(name)
        if field is None or field.default is None or name == "database_url":
            continue  # a token, an option to turn on, or the PostgreSQL example
        shown = Settings(**{name: value})
        assert getattr(shown, name) == field.default, f"{key}={value} is not the default"


def test_the_env_example_has_no_empty_token_line_that_would_look_configured():
    """An uncommented `SLACK_BOT_TOKEN=` reads as "configured, empty": leave tokens commented."""
    text = (DEPLOY / "stockbot.env.example").read_text()
    assert not re.findall(r"^[A-Z_]+=\s*$", text, re.M)


def test_compose_runs_stockbot_on_postgresql_with_a_two_replica_profile_behind_a_proxy():
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    stockbots = [s for s in services.values() if "stockbot" in str(s.get("image", ""))]
    assert len(stockbots) == 2
    for svc in stockbots:
        env = svc["environment"]
        assert env["STOCKBOT_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert set(env) <= setting_names()
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert svc["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / svc["build"]["context"] / svc["build"]["dockerfile"]).is_file()
    replicas = [n for n, s in services.items() if "replicas" in s.get("profiles", [])]
    assert "proxy" in replicas and len(replicas) == 2
    assert "profiles" not in services["stockbot"]  # the plain `up` still runs one stockbot


def test_the_proxy_config_sends_traffic_to_both_replicas_and_checks_their_readiness():
    proxy = compose()["services"]["proxy"]
    [mount] = proxy["volumes"]
    config = DEPLOY / mount.split(":")[0]
    text = config.read_text()
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", text)
    assert upstreams is not None
    hosts = {u.split(":")[0] for u in upstreams.group(1).split()}
    assert hosts == {"stockbot", "stockbot-2"} <= set(compose()["services"])
    assert "health_uri /readyz" in text


def test_the_systemd_unit_runs_a_dedicated_user_from_a_venv_and_always_comes_back():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "stockbot.service").read_text())
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    svc = unit["Service"]
    assert svc["User"] == "stockbot" and svc["User"] != "root"
    exe = shlex.split(svc["ExecStart"])
    assert exe[0].startswith("/opt/stockbot/venv/bin/") and exe[1:] == ["run"]
    assert svc["Restart"] == "always"  # exit 0 must not leave the service silently dead
    # …but a refused configuration is not retried every 5 s forever
    assert svc["RestartPreventExitStatus"].split() == [str(EX_CONFIG)]
    assert svc["StateDirectory"] == "stockbot"
    assert svc["EnvironmentFile"].startswith("/etc/stockbot/")
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


KNOWN = {"FROM", "RUN", "COPY", "ENV", "USER", "WORKDIR", "VOLUME", "EXPOSE", "HEALTHCHECK",
         "STOPSIGNAL", "CMD", "ARG", "LABEL", "ENTRYPOINT"}  # fmt: skip


def test_the_dockerfile_is_slim_runs_as_non_root_and_is_healthy_only_when_ready():
    steps = dockerfile()
    assert {word for word, _ in steps} <= KNOWN
    assert steps[0][0] == "FROM"
    final = steps[max(i for i, (w, _) in enumerate(steps) if w == "FROM") :]
    assert final[0][1].startswith("python:3.11-slim")
    users = [arg for word, arg in final if word == "USER"]
    assert users and users[-1] not in {"root", "0"}
    [health] = [arg for word, arg in final if word == "HEALTHCHECK"]
    assert "/readyz" in health
    [cmd] = [arg for word, arg in final if word == "CMD"]
    assert cmd == '["stockbot", "run"]'
    for word, arg in steps:  # what it copies from the build context exists
        if word == "COPY" and not arg.startswith("--from"):
            for src in arg.split()[:-1]:
                assert (ROOT / src).exists(), src
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "!src/**" in ignore


def test_the_slack_manifest_is_yaml_with_the_events_url_for_commands_and_interactivity():
    manifest = yaml.safe_load((DEPLOY / "slack-manifest.yml").read_text())
    features = manifest["features"]
    assert features["slash_commands"]
    assert all(c["url"].endswith("/slack/events") for c in features["slash_commands"])
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")


def test_docker_compose_config_validates_the_compose_file():
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker here (CI has no Docker engine); the file is parsed above")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("docker has no compose plugin here; the file is parsed above")
    result = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "--profile", "replicas",
         "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
