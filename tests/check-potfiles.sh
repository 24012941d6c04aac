#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# po/POTFILES.in lists every file with strings a person reads, and nothing
# that does not exist: a file missing from it is left untranslated without
# anyone noticing.
# Usage: check-potfiles.sh SOURCE_ROOT
set -u

srcdir=${1:-.}
potfiles="$srcdir/po/POTFILES.in"
status=0

if [ ! -f "$potfiles" ]; then
  echo "$potfiles does not exist"
  exit 1
fi

listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles" | sort -u)

for file in $listed; do
  if [ ! -f "$srcdir/$file" ]; then
    echo "po/POTFILES.in lists $file, which does not exist"
    status=1
  fi
done

# Marked strings: _() N_() C_() NC_() and the plural calls in C, translatable
# properties in .ui files; desktop, metainfo and schema files are all text.
marked=$(
  cd "$srcdir" || exit 1
  find src -type f -name '*.c' -print | sort | while read -r f; do
    if grep -Eq '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext|ngettext|g_dpgettext2?)[[:space:]]*\(' "$f"; then
      echo "$f"
    fi
  done
  find src -type f -name '*.ui' -print | sort | while read -r f; do
    if grep -q 'translatable="yes"' "$f"; then
      echo "$f"
    fi
  done
  ls data/*.in data/*.gschema.xml 2>/dev/null
)

for file in $marked; do
  if ! printf '%s\n' "$listed" | grep -qxF "$file"; then
    echo "$file has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "po/POTFILES.in lists all $(printf '%s\n' "$marked" | wc -l) files with translatable strings"
fi
exit "$status"
