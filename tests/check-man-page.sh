#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-man-page.sh SCD PROGRAM SRCDIR [MANPAGE]
#
# The manual page documents what the program offers: every option --help
# lists is in the scdoc source as *--name*, every environment variable the
# sources read by name (g_getenv ("NAME")) is in it, it has the sections a
# scripter looks for, and the troff the build made (when given) renders
# without a warning.
set -u

scd=$1 program=$2 srcdir=$3 man=${4:-}
status=0

fail() {
    echo "FAIL: $*"
    status=1
}

help=$("$program" --help) || { echo "FAIL: $program --help failed"; exit 1; }
options=$(printf '%s\n' "$help" | sed -n 's/^ \{1,\}\(-[a-zA-Z?], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p')
[ -n "$options" ] || { echo "FAIL: no options found in --help"; exit 1; }
for option in $options; do
    if grep -q -e "\*$option\*" "$scd"; then
        echo "ok: $option"
    else
        fail "$option is in --help but not in $scd"
    fi
done

# TCIA_TEST_* are read only by the test build of the program (TCIA_TEST_HOOKS).
variables=$(grep -rhoE 'g_getenv \("[A-Z_]+"\)' "$srcdir" | sed 's/.*"\(.*\)".*/\1/' |
            grep -v '^TCIA_TEST_' | sort -u)
for variable in $variables; do
    if grep -q -e "\*$variable\*" "$scd"; then
        echo "ok: $variable"
    else
        fail "the program reads $variable but $scd does not say so"
    fi
done

for section in '# SYNOPSIS' '# OPTIONS' '# EXIT STATUS' '# ENVIRONMENT' '# EXAMPLES'; do
    grep -q -e "^$section\$" "$scd" || fail "$scd has no \"$section\" section"
done

if [ -n "$man" ]; then
    if command -v groff >/dev/null; then
        warnings=$(groff -man -ww -z -Tutf8 "$man" 2>&1)
        [ -z "$warnings" ] || fail "groff warns about $man: $warnings"
    fi
    grep -q '^\.TH "tcia-basket" "1"' "$man" || fail "$man is not the troff of section 1"
fi

exit $status
