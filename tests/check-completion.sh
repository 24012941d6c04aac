#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-completion.sh COMPLETION PROGRAM FAKE_NBIA
#
# Sources the bash completion as bash-completion would, then completes
# command lines as bash hands them over (COMP_WORDS split at '=', COMP_CWORD,
# COMP_LINE, COMP_POINT): every option of --help, the fixed values, and the
# names a fake NBIA server lists for --collection and --modality.
set -u

completion=$1 program=$2 fake=$3
status=0

bash_completion=/usr/share/bash-completion/bash_completion
if [[ ! -r $bash_completion ]]; then
    echo "bash-completion is not installed"
    exit 77
fi
# shellcheck source=/dev/null
source "$bash_completion"
# shellcheck source=/dev/null
source "$completion"

fail() {
    echo "FAIL: $*"
    status=1
}

# complete WORD…: completes the last word, with the words split as bash
# splits them (--collection = VALUE). The result is in COMPREPLY.
complete_words() {
    local word last=
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=
    for word in "${COMP_WORDS[@]}"; do
        # "=" splits a word in COMP_WORDS, not in the line.
        [[ -n $COMP_LINE && $word != "=" && $last != "=" ]] && COMP_LINE+=" "
        COMP_LINE+=$word
        last=$word
    done
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    compopt_args=()
    _tcia_basket "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

# Outside a completion bash refuses compopt: note what was asked instead.
compopt() {
    compopt_args+=("$@")
}

has_reply() {
    local want=$1 reply
    for reply in "${COMPREPLY[@]}"; do
        [[ $reply == "$want" ]] && return 0
    done
    return 1
}

expect() {
    local what=$1
    shift
    local want
    for want in "$@"; do
        has_reply "$want" || fail "$what: “$want” is not among: ${COMPREPLY[*]}"
    done
    echo "ok: $what"
}

# The completion is registered for the program's name.
spec=$(complete -p tcia-basket 2>&1)
[[ $spec == *"-F _tcia_basket"*" tcia-basket" ]] || fail "complete -p tcia-basket: $spec"

# The program the completion runs is the one built here.
PATH=$(dirname "$program"):$PATH
[[ $(type -P tcia-basket) -ef $program ]] || fail "tcia-basket on PATH is not $program"

# Every option of --help, from "--".
mapfile -t options < <(tcia-basket --help |
    sed -n 's/^ \{1,\}\(-[a-zA-Z?], \)\{0,1\}\(--[a-z][a-z-]*\)\(=\{0,1\}\).*/\2\3/p')
((${#options[@]} > 10)) || fail "too few options in --help: ${options[*]}"
complete_words tcia-basket --
expect "options" "${options[@]}"
complete_words tcia-basket --col
expect "--col" --collection=
((${#COMPREPLY[@]} == 1)) || fail "--col: ${COMPREPLY[*]}"
# No space after "--collection=": the value follows.
[[ ${compopt_args[*]} == *"-o nospace"* ]] || fail "--col: no “compopt -o nospace”"
complete_words tcia-basket --no-verif
expect "--no-verif" --no-verify
[[ ${compopt_args[*]} != *nospace* ]] || fail "--no-verif: a space should follow"

# Fixed values, after "=" and after a space.
complete_words tcia-basket --list = m
expect "--list=m" modalities manufacturers
complete_words tcia-basket --list ""
expect "--list" collections modalities body-parts manufacturers patients studies series new
complete_words tcia-basket --format =
expect "--format=" tsv csv json tcia s5cmd
complete_words tcia-basket --layout = c
expect "--layout=c" classic
((${#COMPREPLY[@]} == 1)) || fail "--layout=c: ${COMPREPLY[*]}"
complete_words tcia-basket --source =
expect "--source=" auto nbia idc

# Names from the server: a fake NBIA on 127.0.0.1.
coproc FAKE { exec "$fake"; }
fake_pid=$FAKE_PID
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null' EXIT
read -r -t 30 url <&"${FAKE[0]}" || { echo "FAIL: fake-nbia printed no URL"; exit 1; }

mapfile -t collections < <(tcia-basket --api-url="$url" --list=collections | tail -n +2 | cut -f1)
((${#collections[@]} > 1)) || fail "no collections from $url"
quoted=()
for name in "${collections[@]}"; do
    quoted+=("$(printf '%q' "$name")")
done

# The server of --api-url on the command line…
unset TCIA_API_URL
complete_words tcia-basket "--api-url=$url" --collection =
expect "--collection= (--api-url)" "${quoted[@]}"
((${#COMPREPLY[@]} == ${#collections[@]})) ||
    fail "--collection=: ${#COMPREPLY[@]} names for ${#collections[@]} collections"
# …or of TCIA_API_URL; a name with a space comes back quoted for the shell.
export TCIA_API_URL=$url
prefix=${collections[0]:0:3}
complete_words tcia-basket --list=series --collection = "${prefix,,}"
expect "--collection=${prefix,,} (TCIA_API_URL)" "$(printf '%q' "${collections[0]}")"
for reply in "${COMPREPLY[@]}"; do
    [[ ${reply,,} == "${prefix,,}"* ]] || fail "--collection=${prefix,,} offers $reply"
done
spaced=
for name in "${collections[@]}"; do
    [[ $name == *" "* ]] && spaced=$name && break
done
if [[ -n $spaced ]]; then
    complete_words tcia-basket --collection = "${spaced%% *}"
    expect "--collection=${spaced%% *}" "${spaced// /\\ }"
fi

mapfile -t modalities < <(tcia-basket --list=modalities | tail -n +2 | cut -f1)
complete_words tcia-basket --list=series --modality ""
expect "--modality" "${modalities[@]}"

# A server that does not answer completes nothing, and quickly.
export TCIA_API_URL=http://127.0.0.1:9/nbia-api/services/v4/
complete_words tcia-basket --collection =
((${#COMPREPLY[@]} == 0)) || fail "no server, yet: ${COMPREPLY[*]}"

exit $status
