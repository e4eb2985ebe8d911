#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Layer lint (DESIGN.md §3): who may include what. Fails, naming file and
# header, when a file includes a header of a layer above its own, when cli
# and tui include each other, when a system header of curses, sqlite or
# sodium appears outside its one layer, when a private header is reached
# across directories, or when a public header has no layer here (add it).
#   usage: layers.sh SOURCE_ROOT
set -eu
root=${1:?usage: layers.sh SOURCE_ROOT}
cd "$root"

# The layer each public header belongs to: where it is implemented.
owner() {
	case $1 in
	error | i18n | text | record | student | contact | call_alert | options) echo base ;;
	io_csv | io_text | io_fs | pinyin | roster) echo io ;;
	crypto | crypto_testing) echo crypto ;;
	store) echo store ;;
	casefile | config | user | students) echo core ;;
	cli) echo cli ;;
	tui | tui_edit | tui_layout | tui_list | tui_screen) echo tui ;;
	*) echo unknown ;;
	esac
}

# The layers a layer may include (itself and below; cli and tui never each other).
allowed() {
	case $1 in
	base) echo "base" ;;
	io) echo "base io" ;;
	crypto) echo "base crypto" ;;
	store) echo "base store" ;;
	core) echo "base io crypto store core" ;;
	cli) echo "base io crypto core cli" ;;
	tui) echo "base io crypto core tui" ;;
	main) echo "base core cli tui" ;;
	include) echo "base io crypto store core cli tui" ;; # checked per header below
	esac
}

fail=0
bad() {
	echo "layer rule broken: $*" >&2
	fail=1
}

for h in include/carefile/*.h; do
	name=$(basename "$h" .h)
	[ "$(owner "$name")" = unknown ] && bad "$h has no layer in tests/lint/layers.sh"
done

files=$(find src include -name '*.[ch]' | sort)
for f in $files; do
	case $f in
	src/main.c) layer=main ;;
	src/*/*) layer=${f#src/}; layer=${layer%%/*} ;;
	include/carefile/*) layer=$(owner "$(basename "$f" .h)") ;;
	*) continue ;;
	esac
	ok=$(allowed "$layer")
	# public headers
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"carefile\/\([a-z0-9_]*\)\.h".*/\1/p' "$f"); do
		l=$(owner "$inc")
		case " $ok " in
		*" $l "*) ;;
		*) bad "$f ($layer) includes carefile/$inc.h ($l)" ;;
		esac
	done
	# private headers: only from their own directory
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		carefile/* | config.h) ;; # config.h: the one meson generates in the build root
		*/*) bad "$f includes $inc across directories" ;;
		*) [ -f "$(dirname "$f")/$inc" ] || bad "$f includes $inc, which is not in its directory" ;;
		esac
	done
	# the three libraries, each in its one layer
	for lib in curses:tui ncurses:tui ncursesw/curses:tui sqlite3:store sodium:crypto; do
		h=${lib%%:*}
		home=${lib#*:}
		if grep -q "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$h\.h>" "$f" && [ "$layer" != "$home" ]; then
			bad "$f ($layer) includes <$h.h>, which only src/$home may"
		fi
	done
done
[ $fail -eq 0 ] && echo "layers: $(echo "$files" | wc -l) files follow DESIGN.md §3"
exit $fail
