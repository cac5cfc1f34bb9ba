"""The hub on Kubernetes (deploy/kubernetes/): the Helm values pass Zero to JupyterHub's own schema, and
say what the one-machine hub does (culler, limits, services and who may open them, the exchange); the
image is built from the kit's lock file on the kit's Python; the hub's extra configuration runs.

Helm is not available here, so the chart's schema and default values are vendored (SCHEMA.md) and merged
the way Helm merges them before it validates."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "kubernetes"
SCHEMA = json.loads((K8S / "values.schema.json").read_text())
CHART_DEFAULTS = yaml.safe_load((K8S / "chart-values.yaml").read_text())
VALUES_TEXT = (K8S / "values.yaml").read_text()
VALUES = yaml.safe_load(VALUES_TEXT)
DOCKERFILE = (K8S / "Dockerfile").read_text()
README = (K8S / "README.md").read_text()
EXCHANGE = "/srv/nbgrader/exchange"


def helm_merge(defaults: dict, overrides: dict) -> dict:
    """Helm's merge of a chart's defaults with user values: maps merge key by key, anything else replaces,
    and a null removes the key."""
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def schema_errors(values: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(helm_merge(CHART_DEFAULTS, values))]


def with_change(path: str, value) -> dict:
    """A copy of values.yaml with one key (dotted path) set."""
    values = copy.deepcopy(VALUES)
    *parents, last = path.split(".")
    node = values
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return values


def manifests(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


def kind(name: str, of_kind: str) -> dict:
    [found] = [doc for doc in manifests(name) if doc["kind"] == of_kind]
    return found


# The chart's schema -------------------------------------------------------------------------------------

def test_the_values_pass_the_charts_schema():
    assert schema_errors(VALUES) == []


def test_the_vendored_schema_is_strict_where_a_misspelling_would_hide():
    # the guard the misspelling tests rely on: these sections refuse keys they do not know
    for section in (SCHEMA, SCHEMA["properties"]["hub"], SCHEMA["properties"]["singleuser"],
                    SCHEMA["properties"]["singleuser"]["properties"]["memory"], SCHEMA["properties"]["cull"]):
        assert section["additionalProperties"] is False


@pytest.mark.parametrize("path", ["singleuser.memroy", "singleuser.storage.extraVolumeMount", "cull.timout",
                                  "hub.loadRole", "hub.service.extraPort", "proxy.htps", "singeluser"])
def test_a_misspelt_key_is_refused(path):
    errors = schema_errors(with_change(path, {"limit": "2G"}))
    assert any("Additional properties are not allowed" in error for error in errors), errors


@pytest.mark.parametrize("path, value", [("singleuser.cpu.limit", "1"), ("cull.timeout", "an hour"),
                                         ("singleuser.image.pullPolicy", "Sometimes"),
                                         ("hub.config.jupyterHub", {"admin_access": False})])
def test_a_value_of_the_wrong_shape_is_refused(path, value):
    assert schema_errors(with_change(path, value)) != []


def test_check_jsonschema_accepts_the_values_and_refuses_a_misspelling(tmp_path):
    """The same check with the check-jsonschema command (as a CI step or the IT partner would run it)."""
    command = Path(sys.executable).parent / "check-jsonschema"
    good, bad = tmp_path / "merged.json", tmp_path / "misspelt.json"
    good.write_text(json.dumps(helm_merge(CHART_DEFAULTS, VALUES)))
    bad.write_text(json.dumps(helm_merge(CHART_DEFAULTS, with_change("singleuser.memroy", {"limit": "2G"}))))
    for instance, expected in ((good, 0), (bad, 1)):
        done = subprocess.run([str(command), "--schemafile", str(K8S / "values.schema.json"), str(instance)],
                              capture_output=True, text=True)
        assert done.returncode == expected, done.stdout + done.stderr
    assert "memroy" in done.stdout + done.stderr


def test_the_chart_version_is_the_one_the_schema_came_from():
    schema_note = (K8S / "SCHEMA.md").read_text()
    [vendored] = re.findall(r"Chart version: \*\*([\d.]+)\*\*", schema_note)
    pinned = re.findall(r"helm upgrade --install.*?--version[ =]([\d.]+)", README, flags=re.S)
    assert pinned and set(pinned) == {vendored}
    assert f"version {vendored}" in VALUES_TEXT.splitlines()[0] + VALUES_TEXT.splitlines()[1]


# The image -----------------------------------------------------------------------------------------------

def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments left out."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in DOCKERFILE.splitlines() if not line.lstrip().startswith("#")))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_the_image_has_the_makefiles_python():
    [python] = re.findall(r"^PYTHON \?= python(\d+\.\d+)$", (ROOT / "Makefile").read_text(), flags=re.M)
    [base] = [line for line in dockerfile_instructions() if line.startswith("FROM ")]
    assert re.fullmatch(rf"FROM python:{re.escape(python)}(-slim)?-\w+", base), base


def test_the_image_installs_the_lock_file_then_the_kit_without_dependencies():
    runs = " ".join(line for line in dockerfile_instructions() if line.startswith("RUN "))
    lock = runs.index("pip install --no-cache-dir -r /opt/pcia/kit/requirements.lock")
    kit = re.search(r"pip install --no-cache-dir --no-deps -e /opt/pcia/kit(\s|$)", runs)
    assert kit and lock < kit.start()
    assert "COPY requirements.lock /opt/pcia/kit/requirements.lock" in dockerfile_instructions()


def test_the_images_jupyterhub_matches_the_charts_hub():
    [hub_version] = re.findall(r"JupyterHub in that chart's hub image: \*\*([\d.]+)\*\*", (K8S / "SCHEMA.md").read_text())
    [pinned] = re.findall(r"^ARG JUPYTERHUB_VERSION=([\d.]+)$", DOCKERFILE, flags=re.M)
    assert pinned.split(".")[0] == hub_version.split(".")[0]
    assert 'pip install --no-cache-dir "jupyterhub==${JUPYTERHUB_VERSION}"' in " ".join(dockerfile_instructions())


def test_the_image_runs_the_single_user_server_as_a_user_that_is_not_root():
    instructions = dockerfile_instructions()
    [user] = [line for line in instructions if line.startswith("USER ")]
    assert user.split()[1].split(":")[0] not in {"0", "root"}
    assert instructions[-1] == 'CMD ["jupyterhub-singleuser"]'
    assert "ipykernel install --sys-prefix --name python3" in " ".join(instructions)


def test_the_image_carries_the_exchange_settings_and_the_lab_settings():
    runs = " ".join(dockerfile_instructions())
    assert "cp /opt/pcia/kit/exchange_config.py /usr/local/etc/jupyter/nbgrader_config.py" in runs
    assert "cp /opt/pcia/kit/deploy/lab/overrides.json /usr/local/share/jupyter/lab/settings/overrides.json" in runs
    assert f"PCIA_EXCHANGE={EXCHANGE}" in runs


def test_the_build_leaves_out_the_virtualenv_builds_and_cohort_data():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "_build", "exercises/release", "exercises/submitted", "exercises/autograded",
            "exercises/feedback", "**/*.db", "deploy/hub/node_modules", ".git"} <= ignored
    for needed in ("requirements.lock", "pyproject.toml", "exchange_config.py", "academy", "case_studies", "exercises"):
        assert needed not in ignored


# The hub's extra configuration -----------------------------------------------------------------------------

def test_every_extra_config_snippet_compiles():
    snippets = VALUES["hub"]["extraConfig"]
    assert snippets
    for name, source in snippets.items():
        compile(source, f"hub.extraConfig.{name}", "exec")


def run_roster_config(tmp_path: Path, roster: dict, monkeypatch) -> Config:
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(roster))
    monkeypatch.setenv("PCIA_ROSTER", str(path))
    c = Config()
    exec(VALUES["hub"]["extraConfig"]["10-roster"], {"c": c})  # as the chart's jupyterhub_config.py does
    return c


def spawner_for(name: str):
    return SimpleNamespace(user=SimpleNamespace(name=name))


EXAMPLE_ROSTER = yaml.safe_load((K8S / "roster.example.yaml").read_text())


def test_the_roster_decides_who_signs_in_who_is_faculty_and_each_uid(tmp_path, monkeypatch):
    c = run_roster_config(tmp_path, EXAMPLE_ROSTER, monkeypatch)
    assert c.Authenticator.allowed_users == {"office-1", "faculty-1", "faculty-2", "delegate-01", "delegate-02", "delegate-03"}
    assert c.Authenticator.admin_users == {"office-1"}
    assert c.JupyterHub.load_groups == {"faculty": {"users": ["faculty-1", "faculty-2"]}}
    assert c.KubeSpawner.uid(spawner_for("delegate-02")) == 21002
    assert c.KubeSpawner.uid(spawner_for("faculty-1")) == 20101
    with pytest.raises(ValueError, match="not in the roster"):
        c.KubeSpawner.uid(spawner_for("someone-else"))


def test_a_uid_is_read_again_at_each_start(tmp_path, monkeypatch):
    c = run_roster_config(tmp_path, EXAMPLE_ROSTER, monkeypatch)
    changed = copy.deepcopy(EXAMPLE_ROSTER)
    changed["delegates"]["delegate-04"] = 21004
    (tmp_path / "roster.yaml").write_text(yaml.safe_dump(changed))
    assert c.KubeSpawner.uid(spawner_for("delegate-04")) == 21004


@pytest.mark.parametrize("delegates, message", [({"delegate-01": 21001, "delegate-02": 21001}, "given to both"),
                                                ({"delegate-01": 20101}, "given to both"),
                                                ({"delegate-01": 1000}, "from 20000"),
                                                ({"delegate-01": "21001"}, "whole number"),
                                                ({"delegate-01": True}, "whole number")])
def test_a_roster_that_would_share_or_misplace_a_uid_is_refused(tmp_path, monkeypatch, delegates, message):
    roster = dict(EXAMPLE_ROSTER, delegates=delegates)
    with pytest.raises(ValueError, match=message):
        run_roster_config(tmp_path, roster, monkeypatch)


def test_signing_in_needs_a_real_password_and_approval():
    config = VALUES["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "native"
    native = config["NativeAuthenticator"]
    assert native["open_signup"] is False
    assert native["minimum_password_length"] >= 12 and native["check_common_password"] is True
    assert config["JupyterHub"]["admin_access"] is False


# What the one-machine hub does, here too ----------------------------------------------------------------------

def test_idle_servers_are_stopped_after_an_hour():
    cull = VALUES["cull"]
    assert cull["enabled"] is True and cull["timeout"] == 3600 and 0 < cull["every"] <= 600
    assert cull["users"] is False


def to_bytes(quantity) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]i?)?", str(quantity)).groups()
    scale = {None: 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return float(number) * scale[unit]


def test_every_server_has_memory_and_cpu_limits_marked_for_the_measured_figures():
    memory, cpu = VALUES["singleuser"]["memory"], VALUES["singleuser"]["cpu"]
    assert 0 < to_bytes(memory["guarantee"]) <= to_bytes(memory["limit"])
    assert 0 < cpu["guarantee"] <= cpu["limit"]
    marked = [line for line in VALUES_TEXT.splitlines() if "# see README: memory per server" in line]
    assert {line.split(":")[0].strip() for line in marked} == {"limit", "guarantee"} and len(marked) == 4


def test_the_formgrader_and_the_board_are_services_with_their_roles():
    services, roles = VALUES["hub"]["services"], VALUES["hub"]["loadRoles"]
    assert set(services) == {"formgrader", "board"}
    assert services["formgrader"]["url"] == "http://pcia-formgrader:8888"
    assert services["board"]["url"] == "http://hub:8090"
    for service in services.values():
        assert "apiToken" not in service and "api_token" not in service  # the chart makes them; never committed
    assert "access:services!service=board" in roles["user"]["scopes"] and "self" in roles["user"]["scopes"]
    assert "access:services!service=board" in VALUES["hub"]["config"]["KubeSpawner"]["server_token_scopes"]
    # the board asks the hub who is faculty with its own token, as on one machine (academy.board.hub)
    [board_role] = [role for role in roles.values() if role.get("services") == ["board"]]
    assert board_role["scopes"] == ["read:groups!group=faculty"]
    [board] = VALUES["hub"]["extraContainers"]
    assert board["command"][board["command"].index("--faculty-group") + 1] == "faculty"


def test_only_the_faculty_group_may_open_the_formgrader():
    grants = [role for role in VALUES["hub"]["loadRoles"].values()
              if {"access:services!service=formgrader", "access:services", "admin:services"} & set(role.get("scopes", []))]
    assert len(grants) == 1
    [role] = grants
    assert role["groups"] == ["faculty"] and not role.get("users") and not role.get("services")


def test_the_board_and_formgrader_run_the_singleuser_image_with_their_own_tokens():
    image = f"{VALUES['singleuser']['image']['name']}:{VALUES['singleuser']['image']['tag']}"
    [board] = VALUES["hub"]["extraContainers"]
    assert board["image"] == image
    assert board["command"][board["command"].index("--faculty-group") + 1] == "faculty"
    env = {item["name"]: item for item in board["env"]}
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "hub", "key": "hub.services.board.apiToken"}
    assert env["JUPYTERHUB_SERVICE_PREFIX"]["value"] == "/services/board/"
    assert {port["containerPort"] for port in board["ports"]} == {8090}

    pod = kind("formgrader.yaml", "Deployment")["spec"]["template"]["spec"]
    assert {container["image"] for container in pod["containers"] + pod["initContainers"]} == {image}
    [formgrader] = pod["containers"]
    env = {item["name"]: item for item in formgrader["env"]}
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "hub", "key": "hub.services.formgrader.apiToken"}
    assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == "formgrader"
    assert env["JUPYTERHUB_DEFAULT_URL"]["value"] == "/formgrader"
    service = kind("formgrader.yaml", "Service")
    assert VALUES["hub"]["services"]["formgrader"]["url"] == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"
    assert pod["securityContext"]["runAsUser"] < 20000  # the grader's uid is no delegate's


def test_the_exchange_is_shared_storage_mounted_at_the_same_place_everywhere():
    storage = VALUES["singleuser"]["storage"]
    mounts = [mount for mount in storage["extraVolumeMounts"] if mount["mountPath"] == EXCHANGE]
    assert len(mounts) == 1
    [volume] = [volume for volume in storage["extraVolumes"] if volume["name"] == mounts[0]["name"]]
    claim = volume["persistentVolumeClaim"]["claimName"]
    [pvc] = [doc for doc in manifests("storage.yaml") if doc["metadata"]["name"] == claim]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    assert VALUES["singleuser"]["extraEnv"]["PCIA_EXCHANGE"] == EXCHANGE

    pod = kind("formgrader.yaml", "Deployment")["spec"]["template"]["spec"]
    claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod["volumes"]}
    [formgrader] = pod["containers"]
    assert [claims[m["name"]] for m in formgrader["volumeMounts"] if m["mountPath"] == EXCHANGE] == [claim]


def test_the_board_keeps_its_database_off_shared_storage():
    claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in VALUES["hub"]["extraVolumes"]}
    [board] = VALUES["hub"]["extraContainers"]
    [mount] = board["volumeMounts"]
    db = board["command"][board["command"].index("--db") + 1]
    assert db.startswith(mount["mountPath"] + "/")
    [pvc] = [doc for doc in manifests("storage.yaml") if doc["metadata"]["name"] == claims[mount["name"]]]
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_servers_reach_the_board_and_nothing_private_else():
    policy = VALUES["singleuser"]["networkPolicy"]
    assert policy["enabled"] is True
    assert policy["egressAllowRules"]["privateIPs"] is False and policy["egressAllowRules"]["cloudMetadataServer"] is False
    assert any(port["port"] == 8090 for rule in policy["egress"] for port in rule["ports"])
    assert VALUES["singleuser"]["extraEnv"]["PCIA_BOARD_URL"] == "http://hub:8090/services/board/"


def test_no_secret_is_in_the_values():
    merged = helm_merge(CHART_DEFAULTS, VALUES)
    assert merged["hub"].get("cookieSecret") is None and merged["proxy"].get("secretToken") is None
    assert merged["hub"]["db"].get("password") is None and not merged["imagePullSecret"].get("password")
    assert not re.search(r"(?i)(token|secret|password)\s*:\s*[\"']?[A-Za-z0-9]{16,}", VALUES_TEXT)


# The entrypoint that names each uid ------------------------------------------------------------------------------

def load_entrypoint():
    namespace = {"__name__": "pcia_entrypoint"}
    exec(compile((K8S / "pcia-entrypoint").read_text(), "pcia-entrypoint", "exec"), namespace)
    return namespace


def test_the_entrypoint_names_the_uids_the_file_does_not_know():
    entrypoint = load_entrypoint()
    passwd = "root:x:0:0:root:/root:/bin/bash\njovyan:x:1000:100::/home/jovyan:/bin/bash\n"
    lines = entrypoint["entries_to_add"](passwd, {"delegate-01": 21001, "jovyan": 1000, "faculty-1": 20101,
                                                  "Bad Name": 21009}, 100)
    assert lines == ["faculty-1:x:20101:100::/home/jovyan:/bin/bash", "delegate-01:x:21001:100::/home/jovyan:/bin/bash",
                     "jovyan:x:21009:100::/home/jovyan:/bin/bash"]


def test_the_entrypoint_reads_every_group_of_the_roster(tmp_path):
    entrypoint = load_entrypoint()
    path = tmp_path / "roster.yaml"
    path.write_text((K8S / "roster.example.yaml").read_text())
    uids = entrypoint["roster_uids"](path)
    assert uids["delegate-03"] == 21003 and uids["faculty-2"] == 20102 and uids["office-1"] == 20001
    assert entrypoint["roster_uids"](tmp_path / "missing.yaml") == {}


def test_the_guide_says_where_the_limits_come_from_and_how_to_keep_secrets():
    assert "When to move to Kubernetes" in README
    assert re.search(r"never commit", README, flags=re.I)
    for step in ("docker build", "docker push", "storage.yaml", "pcia-roster", "formgrader.yaml", "helm upgrade --install"):
        assert step in README
