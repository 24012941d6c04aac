#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the fuzz targets with clang, libFuzzer, ASan and UBSan, runs each for
# a while on the corpus in tests/data/fuzz-corpus/<target>/ (seeded from
# tests/data/import/), then merges what it found back into that corpus,
# minimised. Not part of the meson build or CI: it needs clang and takes time.
#
#   tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Defaults: 300 seconds, targets "import import-s5cmd basket-file metadata-csv md5-list". Work files go to
# $FUZZ_OUT (default build-fuzz/ at the top of the source tree). Needs clang
# (14 is enough) and its runtimes (Debian: clang, libclang-rt-14-dev).

set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$src/build-fuzz}
seconds=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-import import-s5cmd basket-file metadata-csv md5-list}
cc=${CC:-clang}

mkdir -p "$out"

cat > "$out/config.h" <<EOF
#pragma once
#define GETTEXT_PACKAGE "tcia-basket"
#define LOCALEDIR "/usr/share/locale"
#define PACKAGE_NAME "TCIA Basket"
#define PACKAGE_VERSION "fuzz"
#define APP_ID "io.github.tciabasket.TciaBasket"
EOF

cflags="-g -O1 -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
  -I$out -I$src/src/core -I$src/src/core/model -I$src/src/core/net -I$src/src/core/util
  -I$src/src/core/nbia -I$src/src/core/basket -I$src/src/core/download -I$src/src/core/idc
  $(pkg-config --cflags gio-2.0 yajl libsoup-3.0)"
libs="$(pkg-config --libs gio-2.0 yajl)"

# tcia-extract.c (TCIA_DOWNLOAD_ERROR) brings libarchive.
libs_for ()
{
  case $1 in
    metadata-csv|md5-list) pkg-config --libs libarchive ;;
  esac
}

records="tcia-record-values.c tcia-record-class.c tcia-record-builder.c tcia-series.c tcia-study.c tcia-patient.c tcia-collection.c tcia-value.c"

sources_for ()
{
  case $1 in
    import|import-s5cmd)
                 echo "tcia-import.c tcia-import-file.c tcia-import-lines.c tcia-import-csv.c tcia-import-s5cmd.c tcia-manifest.c $records" ;;
    basket-file) echo "tcia-basket.c tcia-basket-export.c tcia-basket-licence.c tcia-csv.c tcia-manifest.c $records" ;;
    metadata-csv) echo "tcia-metadata-csv.c tcia-csv.c tcia-extract.c tcia-dest.c tcia-md5-list.c tcia-text.c $records" ;;
    md5-list)    echo "tcia-md5-list.c tcia-text.c tcia-extract.c tcia-dest.c" ;;
    *)           echo "unknown target $1" >&2; exit 2 ;;
  esac
}

# Seeds: every sample file, as each forced format (the first byte of an
# import input picks it); for the basket, what the tests write.
seed ()
{
  rm -rf "$out/seeds-$1"
  mkdir -p "$out/seeds-$1"
  case $1 in
    import)
      for f in "$src"/tests/data/import/*; do
        for b in 00 01 02 03 04 80; do
          { printf "\\$(printf '%03o' 0x$b)"; cat "$f"; } > "$out/seeds-$1/$b-$(basename "$f")"
        done
      done
      ;;
    import-s5cmd)
      # The first byte: bit 0 sniffs instead of forcing s5cmd, bit 7 skips junk.
      for f in "$src"/tests/data/import/*.s5cmd; do
        for b in 00 01 80; do
          { printf "\\$(printf '%03o' 0x$b)"; cat "$f"; } > "$out/seeds-$1/$b-$(basename "$f")"
        done
      done
      ;;
    basket-file)
      printf '{"version":1,"series":[\n{"SeriesInstanceUID":"1.2.3","Collection":"4D-Lung","ImageCount":50,"FileSize":26405888,"LicenseName":"Creative Commons Attribution-NonCommercial 3.0 Unported License","SeriesDate":"1997-09-15","SeriesNumber":"500","SeriesDescription":"P4, \\"Gated\\"\\n\\u00e9"},\n{"SeriesInstanceUID":"1.2.4"}\n]}\n' \
        > "$out/seeds-$1/basket.json"
      printf '{"version":1,"extra":{"a":[1,{}]},"series":[{"Collection":"x"},"s",[1],{"SeriesInstanceUID":"1.2","n":null}]}' \
        > "$out/seeds-$1/partial.json"
      printf '{"version":2,"series":[]}' > "$out/seeds-$1/version.json"
      ;;
    metadata-csv)
      # The first byte picks the separator the CSV reader is given.
      printf ',%s\r\n%s\r\n%s\r\n%s' \
        'Series UID,Collection,3rd Party Analysis,Data Description URI,Subject ID,Study UID,Study Description,Study Date,Series Description,Manufacturer,Modality,SOP Class Name,SOP Class UID,Number of Images,File Size,File Location,Download Timestamp' \
        '1.2.3,4D-Lung,NO,https://doi.org/x,P1,1.2.4,"say ""hi"", then",09-15-1997,'"'"'=HYPERLINK(1),GE,CT,CT Image Storage,1.2.840.10008.5.1.4.1.1.2,50,25.27 MB,"./4D-Lung/P1/with,comma",2024-05-06T07:08:09.500' \
        '1.2.5,,,,,,"two' \
        'lines",,,,,,,1,812 B,./x,2024' > "$out/seeds-$1/metadata.csv"
      printf '\tSeries UID\tFile Location\n1.2\t./a\n"1.3\t"\t./b\r\n\t\n1.4' > "$out/seeds-$1/tabs.tsv"
      printf ',Collection,File Location,Series UID\n"unclosed,x\n' > "$out/seeds-$1/unclosed.csv"
      ;;
    md5-list)
      printf 'Filename,MD5Hash\r\n1-01.dcm,0123456789abcdef0123456789abcdef\r\n1-02.dcm,FEDCBA9876543210FEDCBA9876543210\r\n' \
        > "$out/seeds-$1/md5hashes.csv"
      printf 'a,b.dcm,0123456789abcdef0123456789abcdef\na,b.dcm,0123456789abcdef0123456789abcdef' \
        > "$out/seeds-$1/comma.csv"
      ;;
  esac
}

for target in $targets; do
  exe="$out/fuzz-$target"
  files=""
  for f in $(sources_for "$target"); do
    files="$files $(ls "$src"/src/core/*/"$f" "$src"/src/core/"$f" 2>/dev/null | head -1)"
  done
  echo "== building $exe"
  # shellcheck disable=SC2086
  $cc $cflags $(pkg-config --cflags libarchive) -o "$exe" "$src/tests/fuzz/fuzz-$target.c" $files \
    $libs $(libs_for "$target")

  corpus="$src/tests/data/fuzz-corpus/$target"
  mkdir -p "$corpus" "$out/new-$target"
  seed "$target"
  dict="$src/tests/fuzz/$(echo "$target" | sed 's/-file$//').dict"

  echo "== fuzzing $target for $seconds s"
  "$exe" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -dict="$dict" -print_final_stats=1 -artifact_prefix="$out/crash-$target-" \
    "$out/new-$target" "$corpus" "$out/seeds-$target" 2>&1 | tee "$out/log-$target.txt" | \
    grep -E '^(#[0-9]+ +(INITED|DONE|pulse))|^stat::|ERROR|SUMMARY|Done' || true

  echo "== merging into $corpus"
  rm -rf "$out/merged-$target"
  mkdir -p "$out/merged-$target"
  # Edges only (no hit counters): a corpus of a hundred files, not thousands.
  "$exe" -merge=1 -use_counters=0 -max_len=16384 "$out/merged-$target" "$corpus" "$out/new-$target" \
    "$out/seeds-$target" > "$out/merge-$target.txt" 2>&1
  rm -rf "$corpus"
  mv "$out/merged-$target" "$corpus"
  echo "   $(ls "$corpus" | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes"
done

ls "$out"/crash-* 2>/dev/null && { echo "== crashes above"; exit 1; }
echo "== no crashes"
