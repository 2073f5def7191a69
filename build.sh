#!/usr/bin/env bash
# Build, smoke-test and publish the LetsData Python bridge container image.
#
#   ./build.sh test|prod [--dry-run]
#
# 1. checks that a Docker engine is reachable (`docker info`);
# 2. builds the image from ./dockerfile (linux/amd64, the Lambda architecture LetsData uses);
# 3. runs it with the Lambda Runtime Interface Emulator (bundled in the base image) on
#    127.0.0.1:$LETSDATA_SMOKE_PORT, LETS_DATA_STAGE=Test|Prod, and waits until it answers;
# 4. POSTs every captured request tests/events/*.json (the files pytest replays) and checks that each
#    response contains the one-line substring in the matching .expected file;
# 5. stops the container (by the id `docker run -d` printed, also on failure);
# 6. tags the image <environment>-<git sha> (immutable: never :latest) and pushes it to ECR.
#
# Settings come from the environment or from a KEY=VALUE config file (default ./build.env; copy
# build.env.example); the environment wins. Each may be given per environment with a _TEST/_PROD
# suffix (LETSDATA_ECR_ACCOUNT_PROD=...), which wins over the plain name:
#   LETSDATA_ECR_ACCOUNT      12-digit AWS account of the ECR registry            (required)
#   AWS_REGION                region of the registry                              (required)
#   LETSDATA_ECR_REPOSITORY   ECR repository name                                 (required)
#   AWS_PROFILE               AWS CLI profile for the ECR login                   (optional)
#   LETSDATA_SMOKE_PORT       local port for the emulator                         (default 9000)
#   LETSDATA_SMOKE_TIMEOUT    seconds to wait for the emulator to answer          (default 60)
#   LETSDATA_BUILD_CONFIG     path of the config file                             (default ./build.env)
#
# --dry-run prints every command (prefixed with "+ ") instead of running it; settings, events and
# expectation files are still checked, so a dry run fails for the same configuration mistakes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="build.sh"
IMAGE_NAME="letsdata_python_bridge"
EVENTS_DIR="$ROOT/tests/events"
SETTINGS=(LETSDATA_ECR_ACCOUNT AWS_REGION LETSDATA_ECR_REPOSITORY AWS_PROFILE
    LETSDATA_SMOKE_PORT LETSDATA_SMOKE_TIMEOUT)

DRY_RUN=0
ENVIRONMENT=""
CONTAINER_ID=""

usage() {
    printf 'usage: %s test|prod [--dry-run]\n' "$PROG" >&2
}

die() {
    printf '%s: error: %s\n' "$PROG" "$1" >&2
    exit "${2:-1}"
}

say() {
    printf '%s: %s\n' "$PROG" "$1"
}

# Prints the command as a shell-quoted line; runs it unless --dry-run.
run() {
    if ((DRY_RUN)); then
        printf '+'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}

parse_args() {
    local arg
    for arg in "$@"; do
        case "$arg" in
            --dry-run) DRY_RUN=1 ;;
            -h | --help) usage; exit 0 ;;
            -*) usage; die "unknown option '$arg'" 2 ;;
            *)
                [[ -z $ENVIRONMENT ]] || { usage; die "more than one environment given ('$ENVIRONMENT', '$arg')" 2; }
                ENVIRONMENT="$arg"
                ;;
        esac
    done
    case "$ENVIRONMENT" in
        test | prod) ;;
        "") usage; die "no environment given: expected 'test' or 'prod'" 2 ;;
        *) usage; die "unknown environment '$ENVIRONMENT': expected 'test' or 'prod'" 2 ;;
    esac
}

# Fills settings that the environment leaves unset from the config file. The file is parsed as
# KEY=VALUE lines (not sourced), and only the known keys are accepted.
load_config() {
    local file="${LETSDATA_BUILD_CONFIG:-$ROOT/build.env}"
    if [[ ! -f $file ]]; then
        [[ -z ${LETSDATA_BUILD_CONFIG:-} ]] || die "config file '$file' (LETSDATA_BUILD_CONFIG) does not exist"
        return 0
    fi
    local line key value lineno=0 known suffixed
    while IFS= read -r line || [[ -n $line ]]; do
        lineno=$((lineno + 1))
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Z_][A-Z0-9_]*)=(.*)$ ]] \
            || die "$file:$lineno: expected KEY=VALUE, got '$line'"
        key="${BASH_REMATCH[2]}"
        value="${BASH_REMATCH[3]}"
        value="${value%\"}"; value="${value#\"}"
        value="${value%\'}"; value="${value#\'}"
        known=0
        for suffixed in "${SETTINGS[@]}"; do
            if [[ $key == "$suffixed" || $key == "${suffixed}_TEST" || $key == "${suffixed}_PROD" ]]; then
                known=1
            fi
        done
        ((known)) || die "$file:$lineno: unknown setting '$key' (known: ${SETTINGS[*]}, optionally suffixed _TEST/_PROD)"
        if [[ -z ${!key:-} ]]; then
            printf -v "$key" '%s' "$value"
        fi
    done <"$file"
}

# setting NAME -> the _TEST/_PROD variant for the chosen environment, else NAME, else empty.
setting() {
    local env_key
    env_key="${1}_$(printf '%s' "$ENVIRONMENT" | tr '[:lower:]' '[:upper:]')"
    printf '%s' "${!env_key:-${!1:-}}"
}

require_setting() {
    local value
    value="$(setting "$1")"
    [[ -n $value ]] || die "missing setting $1 (export it, or put it in build.env; see build.env.example)"
    printf '%s' "$value"
}

# The first line of an expectation file, without a Windows line ending.
expectation() {
    local line=""
    IFS= read -r line <"$1" || true
    printf '%s' "${line%$'\r'}"
}

# Fails before anything is built if a captured request has no expectation.
check_events() {
    local found=0 event expected
    for event in "$EVENTS_DIR"/*.json; do
        [[ -e $event ]] || break
        found=1
        expected="${event%.json}.expected"
        [[ -f $expected ]] || die "no expectation file for ${event#"$ROOT"/}: create ${expected#"$ROOT"/} with the substring the response must contain"
        [[ -n "$(expectation "$expected")" ]] || die "${expected#"$ROOT"/} is empty: its first line is the substring the response must contain"
    done
    ((found)) || die "no captured requests (*.json) in ${EVENTS_DIR#"$ROOT"/}"
}

check_engine() {
    local tool
    for tool in docker curl aws git; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed or not on PATH"
    done
    if ! docker info >/dev/null 2>&1; then
        die "no Docker engine is reachable ('docker info' failed): start Docker (or point DOCKER_HOST at an engine), or use --dry-run to see the commands"
    fi
}

cleanup() {
    local status=$?
    if [[ -n $CONTAINER_ID ]]; then
        if ((status != 0)) && ((!DRY_RUN)); then
            say "container log (last 50 lines):"
            docker logs --tail 50 "$CONTAINER_ID" >&2 || true
        fi
        say "stopping container $CONTAINER_ID"
        if ((DRY_RUN)); then
            run docker stop "$CONTAINER_ID"
            run docker rm "$CONTAINER_ID"
        else
            docker stop "$CONTAINER_ID" >/dev/null || true
            docker rm "$CONTAINER_ID" >/dev/null || true
        fi
        CONTAINER_ID=""
    fi
    return "$status"
}

wait_until_ready() {
    local url="$1" timeout="$2" waited=0
    if ((DRY_RUN)); then
        run curl --silent --output /dev/null --max-time 2 "$url"
        return 0
    fi
    # Any HTTP answer (even 404) means the emulator is listening; only a connection error means not yet.
    until curl --silent --output /dev/null --max-time 2 "$url"; do
        [[ "$(docker inspect --format '{{.State.Running}}' "$CONTAINER_ID" 2>/dev/null)" == "true" ]] \
            || die "the container exited before the emulator answered"
        ((waited < timeout)) || die "the emulator did not answer on $url within ${timeout}s"
        sleep 1
        waited=$((waited + 1))
    done
}

smoke_test() {
    local image="$1" port="$2" timeout="$3" stage="$4"
    local base="http://127.0.0.1:$port"
    local url="$base/2015-03-31/functions/function/invocations"
    local event expected response name failures=0

    say "starting $image with the Runtime Interface Emulator on 127.0.0.1:$port"
    if ((DRY_RUN)); then
        run docker run --detach --platform linux/amd64 --publish "127.0.0.1:$port:8080" \
            --env "LETS_DATA_STAGE=$stage" "$image"
        CONTAINER_ID="DRY-RUN-CONTAINER-ID"
    else
        CONTAINER_ID="$(docker run --detach --platform linux/amd64 --publish "127.0.0.1:$port:8080" \
            --env "LETS_DATA_STAGE=$stage" "$image")"
        [[ -n $CONTAINER_ID ]] || die "docker run did not print a container id"
    fi
    wait_until_ready "$base/" "$timeout"

    for event in "$EVENTS_DIR"/*.json; do
        name="$(basename "$event" .json)"
        expected="$(expectation "${event%.json}.expected")"
        if ((DRY_RUN)); then
            run curl --fail --silent --show-error --max-time 60 --header 'Content-Type: application/json' \
                --data-binary "@$event" "$url"
            printf '  (response must contain: %s)\n' "$expected"
            continue
        fi
        if ! response="$(curl --fail --silent --show-error --max-time 60 \
            --header 'Content-Type: application/json' --data-binary "@$event" "$url")"; then
            printf '%s: FAIL %s: the request failed\n' "$PROG" "$name" >&2
            failures=$((failures + 1))
        elif [[ $response != *"$expected"* ]]; then
            printf '%s: FAIL %s: the response does not contain "%s"\n  response: %.500s\n' \
                "$PROG" "$name" "$expected" "$response" >&2
            failures=$((failures + 1))
        else
            say "ok   $name"
        fi
    done
    ((failures == 0)) || die "smoke test failed for $failures request(s); nothing was pushed"
    cleanup
}

main() {
    parse_args "$@"
    load_config

    local account region repository profile port timeout stage sha tag local_image registry remote_image
    account="$(require_setting LETSDATA_ECR_ACCOUNT)"
    region="$(require_setting AWS_REGION)"
    repository="$(require_setting LETSDATA_ECR_REPOSITORY)"
    profile="$(setting AWS_PROFILE)"
    port="$(setting LETSDATA_SMOKE_PORT)"; port="${port:-9000}"
    timeout="$(setting LETSDATA_SMOKE_TIMEOUT)"; timeout="${timeout:-60}"
    [[ $account =~ ^[0-9]{12}$ ]] || die "LETSDATA_ECR_ACCOUNT must be a 12-digit AWS account id, got '$account'"
    [[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || die "AWS_REGION does not look like a region (e.g. us-east-1), got '$region'"
    [[ $repository =~ ^[a-z0-9][a-z0-9._/-]*$ ]] || die "LETSDATA_ECR_REPOSITORY is not a valid repository name, got '$repository'"
    [[ $port =~ ^[0-9]+$ ]] || die "LETSDATA_SMOKE_PORT must be a port number, got '$port'"
    [[ $timeout =~ ^[0-9]+$ ]] || die "LETSDATA_SMOKE_TIMEOUT must be a number of seconds, got '$timeout'"
    check_events

    if [[ $ENVIRONMENT == prod ]]; then stage=Prod; else stage=Test; fi
    sha="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null)" || die "cannot read the git commit of $ROOT (the image tag is <environment>-<commit>)"
    if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
        ((DRY_RUN)) || die "the working tree has uncommitted changes: commit them first, the image tag names the commit"
        say "note: uncommitted changes (a real run refuses to tag them as $sha)"
    fi
    tag="$ENVIRONMENT-$sha"
    local_image="$IMAGE_NAME:$tag"
    registry="$account.dkr.ecr.$region.amazonaws.com"
    remote_image="$registry/$repository:$tag"

    trap cleanup EXIT
    say "environment $ENVIRONMENT (LETS_DATA_STAGE=$stage), image $remote_image"
    if ((DRY_RUN)); then
        run docker info
    else
        check_engine
    fi

    # --pull: the base image tag moves with AWS security patches; build on the current one.
    run docker build --platform linux/amd64 --file "$ROOT/dockerfile" --tag "$local_image" --pull \
        --label "org.opencontainers.image.revision=$sha" "$ROOT"
    smoke_test "$local_image" "$port" "$timeout" "$stage"

    run docker tag "$local_image" "$remote_image"
    local login=(aws ecr get-login-password --region "$region")
    [[ -z $profile ]] || login+=(--profile "$profile")
    if ((DRY_RUN)); then
        printf '+'; printf ' %q' "${login[@]}"; printf ' |'
        printf ' %q' docker login --username AWS --password-stdin "$registry"; printf '\n'
    else
        "${login[@]}" | docker login --username AWS --password-stdin "$registry"
    fi
    run docker push "$remote_image"
    if ((DRY_RUN)); then say "dry run: nothing was built or pushed"; else say "pushed $remote_image"; fi
}

main "$@"
