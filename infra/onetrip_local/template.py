"""The synthesized CloudFormation template: synth (cached), and intrinsic resolution.

The CDK app is the one source of truth for topology; the local runtime only reads what
`cdk synth` produces. Synth costs ~20 s, so the template is cached in `.build/local/`
under a hash of everything that can change it (infra sources, function sources, context).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = REPO_ROOT / ".build" / "local"

# Context that keeps synth offline and fast: no layer bundling (pip --platform) locally.
LOCAL_CONTEXT: dict[str, Any] = {"aws:cdk:bundling-stacks": []}

Template = dict[str, Any]

# Tooling that reads the template but cannot change it.
_SKIPPED_DIRS = {
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    "cdk.out",
    "onetrip_local",
    "onetrip_ops",
}


class TemplateError(Exception):
    """The template asks for something the local runtime cannot provide."""


def _source_files() -> Iterator[Path]:
    """Files whose content can change the synthesized template."""
    for root in (REPO_ROOT / "infra", REPO_ROOT / "functions", REPO_ROOT / "layers"):
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            skipped = _SKIPPED_DIRS.intersection(path.parts) or path.suffix == ".pyc"
            if path.is_file() and not skipped:
                yield path
    for extra in ("cdk.json", "pyproject.toml"):
        if (REPO_ROOT / extra).exists():
            yield REPO_ROOT / extra


def sources_hash(context: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(context, sort_keys=True).encode())
    for path in _source_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_TEMPLATES_KEPT = 5  # the default app, webhook agencies, two partner cities, one spare
_SYNTH_SCRIPT = """
import json, sys
from onetrip_infra.app import synth_template
template = synth_template(json.loads(sys.argv[1]))
if hasattr(template, "to_json"):
    template = template.to_json()
json.dump(template, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
"""


def synth(context: Mapping[str, Any], out: Path) -> None:
    """Synthesize the CDK app in a child process (jsii starts Node; keep it out of ours)."""
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "infra"), str(REPO_ROOT / "functions"), env.get("PYTHONPATH", "")]
    )
    for key in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-c", _SYNTH_SCRIPT, json.dumps(dict(context)), str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise TemplateError(f"cdk synth failed:\n{done.stderr[-4000:]}")


def load_template(
    context: Mapping[str, Any] | None = None, *, log: Callable[[str], None] | None = None
) -> Template:
    """The app's template, from the cache when the sources have not changed."""
    ctx = {**LOCAL_CONTEXT, **(context or {})}
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    cached = BUILD_DIR / f"template-{sources_hash(ctx)}.json"
    # Parallel test workers share the cache: one synthesizes, the others wait for it.
    with open(BUILD_DIR / "synth.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            if log:
                log("synthesizing the CDK app (cached for later starts)…")
            partial = cached.with_suffix(".partial")
            synth(ctx, partial)
            partial.replace(cached)
            # Keep a few: tests use the default app and one with webhook agencies.
            kept = sorted(BUILD_DIR.glob("template-*.json"), key=lambda p: p.stat().st_mtime)
            for stale in kept[:-_TEMPLATES_KEPT]:
                stale.unlink(missing_ok=True)
    result: Template = json.loads(cached.read_text())
    return result


# ---------------------------------------------------------------------------------------
# Intrinsic functions


class Resolver:
    """Resolves Ref / Fn::GetAtt / Fn::Join / Fn::Sub / … against local physical values.

    `refs[logical_id]` is what `Ref` returns; `attrs[logical_id][name]` what `Fn::GetAtt`
    returns. Provisioning fills them in dependency order.
    """

    def __init__(
        self, template: Template, *, region: str, account: str, stack_name: str = "onetrip"
    ) -> None:
        self.template = template
        self.stack_name = stack_name
        self.region = region
        self.account = account
        self.partition = "aws-cn" if region.startswith("cn-") else "aws"
        self.url_suffix = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        self.refs: dict[str, Any] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        self._conditions: dict[str, bool] = {}

    def pseudo(self, name: str) -> Any:
        values = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": self.url_suffix,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:"
            f"{self.account}:stack/{self.stack_name}/local",
            "AWS::NotificationARNs": [],
        }
        if name not in values:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return values[name]

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.refs:
            return self.refs[name]
        parameters = self.template.get("Parameters", {})
        if name in parameters:
            if "Default" not in parameters[name]:
                raise TemplateError(f"parameter {name} has no default")
            return parameters[name]["Default"]
        raise TemplateError(f"Ref to {name}, which has no local value (yet)")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        try:
            return self.attrs[logical_id][attribute]
        except KeyError:
            raise TemplateError(f"Fn::GetAtt {logical_id}.{attribute} has no local value") from None

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = _INTRINSICS.get(key)
            if handler is not None:
                return handler(self, arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}

    def resolve_str(self, value: Any) -> str:
        resolved = self.resolve(value)
        if not isinstance(resolved, str):
            return json.dumps(resolved)
        return resolved


class _NoValue:
    """AWS::NoValue: the property disappears."""


_NO_VALUE = _NoValue()


def _ref(r: Resolver, name: str) -> Any:
    return _NO_VALUE if name == "AWS::NoValue" else r.ref(name)


def _get_att(r: Resolver, arg: Any) -> Any:
    if isinstance(arg, str):
        logical_id, _, attribute = arg.partition(".")
    else:
        logical_id, attribute = arg[0], r.resolve(arg[1])
    return r.get_att(logical_id, attribute)


def _join(r: Resolver, arg: list[Any]) -> str:
    separator, parts = arg
    return str(separator).join(_scalar(p) for p in r.resolve(parts))


def _scalar(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _sub(r: Resolver, arg: Any) -> str:
    if isinstance(arg, str):
        text, variables = arg, {}
    else:
        text, variables = arg[0], {k: r.resolve(v) for k, v in arg[1].items()}
    out: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        end = text.index("}", start)
        name = text[start + 2 : end]
        if name.startswith("!"):  # ${!Literal} renders as ${Literal}
            out.append("${" + name[1:] + "}")
        elif name in variables:
            out.append(_scalar(variables[name]))
        elif "." in name and not name.startswith("AWS::"):
            logical_id, _, attribute = name.partition(".")
            out.append(_scalar(r.get_att(logical_id, attribute)))
        else:
            out.append(_scalar(r.ref(name)))
        i = end + 1
    return "".join(out)


def _select(r: Resolver, arg: list[Any]) -> Any:
    index, items = r.resolve(arg[0]), r.resolve(arg[1])
    return items[int(index)]


def _split(r: Resolver, arg: list[Any]) -> list[str]:
    return str(r.resolve(arg[1])).split(arg[0])


def _if(r: Resolver, arg: list[Any]) -> Any:
    name, when_true, when_false = arg
    return r.resolve(when_true if r.condition(name) else when_false)


def _find_in_map(r: Resolver, arg: list[Any]) -> Any:
    name, top, second = (r.resolve(a) for a in arg)
    return r.template["Mappings"][name][top][second]


def _import_value(r: Resolver, arg: Any) -> Any:
    raise TemplateError(f"Fn::ImportValue {arg!r}: cross-stack imports are not supported locally")


_INTRINSICS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Join": _join,
    "Fn::Sub": _sub,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::FindInMap": _find_in_map,
    "Fn::ImportValue": _import_value,
    "Fn::Equals": lambda r, a: r.resolve(a[0]) == r.resolve(a[1]),
    "Fn::Not": lambda r, a: not r.resolve(a[0]),
    "Fn::And": lambda r, a: all(r.resolve(x) for x in a),
    "Fn::Or": lambda r, a: any(r.resolve(x) for x in a),
    "Condition": lambda r, a: r.condition(a),
    "Fn::GetAZs": lambda r, a: [f"{r.region}a", f"{r.region}b"],
}


def references(value: Any) -> set[str]:
    """Logical ids a property value refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub)."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= references(v)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg.split(".")[0] if isinstance(arg, str) else arg[0])
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                local = set() if isinstance(arg, str) else set(arg[1])
                for piece in text.split("${")[1:]:
                    name = piece.split("}")[0].split(".")[0]
                    if name and not name.startswith(("!", "AWS::")) and name not in local:
                        found.add(name)
                if not isinstance(arg, str):
                    found |= references(arg[1])
            else:
                found |= references(arg)
    return {f for f in found if not f.startswith("AWS::")}
