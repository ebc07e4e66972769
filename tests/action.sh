#!/bin/sh
# tests/action.sh REFDEX FIXTURE SOURCE_DIR CASE — the GitHub Action
# (action.yml) run as a runner runs a composite action: its steps in order,
# each `run:` in bash -eo pipefail with its `env:` and `if:` worked out from
# the inputs, GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY as files;
# against the fixture server, with the refdex built here as the `refdex`
# input. The README's recipes use only inputs the action has.
REFDEX=$1
FIXTURE=$2
SRC=$3
CASE=$4
. "$(dirname "$0")/lib.sh"
ACTION=$SRC/action.yml

# A composite action's runner, for the expressions action.yml uses:
# ${{ inputs.X }}, ${{ steps.ID.outputs.X }}, ${{ github.action_path }},
# ${{ runner.temp }}, and `if: inputs.X == ''` (or !=). Anything else is an
# error, so that action.yml cannot use what this test does not run.
cat > run_action.py <<'PY'
import json, os, re, subprocess, sys, yaml
action_path, inputs_json, out_path = sys.argv[1:4]
action = yaml.safe_load(open(action_path))
assert action["runs"]["using"] == "composite"
given = json.loads(inputs_json)
unknown = set(given) - set(action["inputs"])
if unknown:
    sys.exit("inputs the action does not have: %s" % sorted(unknown))
inputs = {k: str(given.get(k, v.get("default", ""))) for k, v in action["inputs"].items()}
work = os.getcwd()
ctx = {"github.action_path": os.path.dirname(os.path.abspath(action_path)),
       "runner.temp": os.path.join(work, "runner-temp")}
os.makedirs(ctx["runner.temp"], exist_ok=True)
steps, env = {}, dict(os.environ)
summary = os.path.join(work, "summary.md")

def value(expr):
    expr = expr.strip()
    m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
    if m:
        return inputs[m.group(1)]
    m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
    if m:
        return steps.get(m.group(1), {}).get(m.group(2), "")
    if expr in ctx:
        return ctx[expr]
    sys.exit("an expression this runner does not know: " + expr)

def subst(text):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: value(m.group(1)), str(text))

def condition(text):
    m = re.fullmatch(r"\s*inputs\.([A-Za-z0-9_-]+)\s*(==|!=)\s*'([^']*)'\s*", text)
    if not m:
        sys.exit("an if: this runner does not know: " + text)
    return (inputs[m.group(1)] == m.group(3)) == (m.group(2) == "==")

code = 0
for i, step in enumerate(action["runs"]["steps"]):
    if "if" in step and not condition(step["if"]):
        continue
    assert step.get("shell") == "bash", "step %d: shell is not bash" % i
    files = {k: os.path.join(ctx["runner.temp"], "%s-%d" % (k, i))
             for k in ("GITHUB_OUTPUT", "GITHUB_ENV")}
    for f in files.values():
        open(f, "w").close()
    step_env = dict(env, GITHUB_STEP_SUMMARY=summary, **files)
    step_env.update({k: subst(v) for k, v in step.get("env", {}).items()})
    code = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                            subst(step["run"])], env=step_env)
    outs = dict(l.split("=", 1) for l in open(files["GITHUB_OUTPUT"]).read().splitlines() if l)
    steps[step.get("id", str(i))] = outs
    env.update(dict(l.split("=", 1) for l in open(files["GITHUB_ENV"]).read().splitlines() if l))
    if code:
        break
with open(out_path, "w") as f:
    for k, v in action["outputs"].items():
        f.write("%s=%s\n" % (k, subst(v["value"])))
sys.exit(code)
PY

# act EXPECTED_EXIT INPUTS_JSON: runs the action with these inputs (refdex:
# the one built here), its log in log.txt, its outputs in outputs.txt
act() {
    want=$1
    inputs=$(printf '%s' "$2" | sed "s#^{#{\"refdex\": \"$REFDEX\", #")
    checks=$((checks + 1))
    python3 run_action.py "$ACTION" "$inputs" outputs.txt > log.txt 2>&1
    got=$?
    [ "$got" -eq "$want" ] || { fail "the action with $2 ended $got, expected $want"; sed 's/^/    /' log.txt >&2; }
}

# catalog: one good link, one broken, one that hangs
write_catalog() {
    printf '# t\n\n## links\n\n- [good](%s/ok/a) - Good.\n- [gone](%s/status/404) - Gone.\n' \
        "$BASE" "$BASE" > catalog.md
}

# action.yml is a composite action whose outputs come from its steps, every
# input has a description, and every `with:` of the README's recipes that
# use the action names an input it has.
case_action_yaml() {
    checks=$((checks + 1))
    python3 - "$ACTION" "$SRC/README.md" > yaml.txt 2>&1 <<'PY' || fail "action.yml: $(cat yaml.txt)"
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert action["runs"]["using"] == "composite", "not a composite action"
ids = {s.get("id") for s in action["runs"]["steps"]}
for name, i in action["inputs"].items():
    assert i.get("description"), "input %s has no description" % name
for name, o in action["outputs"].items():
    m = re.fullmatch(r"\$\{\{ steps\.([a-z-]+)\.outputs\.[a-z-]+ \}\}", o["value"])
    assert m and m.group(1) in ids, "output %s comes from no step" % name
readme = open(sys.argv[2]).read()
blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
used = 0
for b in blocks:
    doc = yaml.safe_load(b)
    jobs = doc.get("jobs", {}) if isinstance(doc, dict) else {}
    for job in jobs.values():
        for step in job.get("steps", []):
            if "refdex" in str(step.get("uses", "")) or step.get("uses") == "./":
                used += 1
                for k in step.get("with", {}):
                    assert k in action["inputs"], "README uses input %s, which action.yml lacks" % k
assert used >= 2, "the README's recipes use the action %d times, expected 2 or more" % used
print("ok")
PY
}

# Broken links fail the step with exit 1: annotations in the log, the
# outputs say so, and the job summary has the Markdown report.
case_action_findings() {
    start_fixture
    write_catalog
    act 1 "{\"file\": \"catalog.md\", \"args\": \"--allow-private\"}"
    expect_in log.txt "::error file=catalog.md,line=6,col=3,title=broken link::gone: $BASE/status/404"
    expect_in outputs.txt "exit-code=1"
    expect_in outputs.txt "result=findings"
    expect_in outputs.txt "database=./refdex.db"
    expect_in outputs.txt "refdex=$REFDEX"
    expect_in summary.md "### refdex: 2 links checked in"
    expect_in summary.md "| broken | 1 |"
    # fail-on: never lets the step pass, and still says what it found
    rm summary.md
    act 0 "{\"file\": \"catalog.md\", \"args\": \"--allow-private\", \"fail-on\": \"never\"}"
    expect_in outputs.txt "exit-code=1"
    expect_in outputs.txt "result=findings"
    expect_in log.txt "::notice title=refdex::findings reported; fail-on: never lets the step pass"
    expect_in summary.md "| broken | 1 |"
    # summary: false writes none; a JUnit report to a file
    rm summary.md
    act 1 "{\"file\": \"catalog.md\", \"args\": \"--allow-private\", \"summary\": \"false\", \"format\": \"junit\", \"output\": \"links.xml\", \"database\": \"links.db\"}"
    checks=$((checks + 1))
    [ ! -s summary.md ] || fail "summary: false, yet the job summary has: $(cat summary.md)"
    expect_in links.xml '<testsuite name="refdex links" tests="2" failures="1"'
    expect_in outputs.txt "database=links.db"
    checks=$((checks + 1))
    [ -f links.db ] || fail "database: links.db was not used"
}

# args are split as a shell splits words, quotes kept and nothing run: an
# --exclude with a quoted pattern leaves the broken link out; a $(...) is
# text. A usage error fails the step whatever fail-on says.
case_action_args() {
    start_fixture
    write_catalog
    act 0 "{\"file\": \"catalog.md\", \"args\": \"--allow-private --exclude '/status/[0-9]+\$' --user-agent '\$(touch pwned) x'\"}"
    expect_in outputs.txt "exit-code=0"
    expect_in outputs.txt "result=passed"
    expect_in summary.md "| excluded | 1 |"
    checks=$((checks + 1))
    [ ! -e pwned ] || fail "the action ran a command found in args"
    act 2 "{\"file\": \"catalog.md\", \"args\": \"--bogus\", \"fail-on\": \"never\"}"
    expect_in log.txt "unknown option '--bogus'"
    expect_in outputs.txt "result=usage"
    act 2 "{\"file\": \"catalog.md\", \"args\": \"--exclude 'x\"}"
    expect_in log.txt "args: a quote is not closed"
    act 2 "{\"file\": \"catalog.md\", \"fail-on\": \"sometimes\"}"
    expect_in log.txt "fail-on is broken, strict or never, not 'sometimes'"
    act 2 "{\"file\": \"missing.md\"}"
    expect_in outputs.txt "result=usage"
}

# fail-on: strict fails the step on a timeout, which broken lets pass.
case_action_strict() {
    start_fixture
    printf '# t\n\n- [slow](%s/hang) - Slow.\n' "$BASE" > catalog.md
    act 0 "{\"file\": \"catalog.md\", \"args\": \"--allow-private --timeout 1s\"}"
    expect_in log.txt "::warning file=catalog.md,line=3,col=3,title=timeout link::"
    act 1 "{\"file\": \"catalog.md\", \"args\": \"--allow-private --timeout 1s\", \"fail-on\": \"strict\"}"
    expect_in log.txt "::error file=catalog.md,line=3,col=3,title=timeout link::"
    expect_in outputs.txt "result=findings"
}

# The README's GitLab CI job, on a schedule (no merge request): its script
# and after_script run as written (refdex built here as build/refdex; the
# fixture's loopback links allowed), the JUnit file it declares is written,
# and exit 3 is the only allowed failure.
case_gitlab_recipe() {
    start_fixture
    write_catalog
    checks=$((checks + 1))
    python3 - "$SRC/README.md" > job.txt 2>&1 <<'PY' || fail "README's GitLab job: $(cat job.txt)"
import re, sys, yaml
for b in re.findall(r"```yaml\n(.*?)```", open(sys.argv[1]).read(), re.S):
    doc = yaml.safe_load(b)
    if isinstance(doc, dict) and "links" in doc and "script" in doc["links"]:
        job = doc["links"]
        open("script.sh", "w").write("\n".join(job["script"]) + "\n")
        open("after.sh", "w").write("\n".join(job["after_script"]) + "\n")
        assert job["artifacts"]["reports"]["junit"] == "links.xml", job["artifacts"]
        assert job["allow_failure"] == {"exit_codes": [3]}, job["allow_failure"]
        print("ok")
        break
else:
    sys.exit("no GitLab job 'links' with a script in README.md")
PY
    mkdir build
    printf '#!/bin/sh
if [ "$1" = check ]; then exec "%s" "$@" --allow-private; fi
exec "%s" "$@"
' \
        "$REFDEX" "$REFDEX" > build/refdex
    chmod +x build/refdex
    expect_exit 1 env -u CI_MERGE_REQUEST_TARGET_BRANCH_NAME sh -e script.sh
    expect_in links.xml '<testsuite name="refdex links" tests="2" failures="1"'
    expect_exit 1 sh -e after.sh
    expect_in out.txt "  catalog.md:6:3: broken: gone $BASE/status/404 — HTTP 404"
}

run_case action
