#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Build step: compile share/roster-headers.tsv into a C table (roster-headers.c),
# so the program never reads the source tree at run time.
# usage: gen-roster-headers.py roster-headers.tsv roster-headers.c
# Aliases are stored in the matching form of roster.c (header_key()): ASCII
# lower case without ' ', '_', '-', '.', '*', ':' and a trailing (...) note;
# test_roster checks that the C normaliser leaves every stored alias unchanged.
import re
import sys
import unicodedata

src, dst = sys.argv[1], sys.argv[2]
IDS = {'student_number', 'name', 'sex', 'birth_date', 'ethnicity', 'school', 'grade', 'class',
       'guardian_name', 'guardian_relation', 'guardian_phone', 'guardian2_name',
       'guardian2_relation', 'guardian2_phone', 'guardian3_name', 'guardian3_relation',
       'guardian3_phone', 'guardian4_name', 'guardian4_relation', 'guardian4_phone', 'father_name', 'father_phone', 'mother_name',
       'mother_phone', 'address', 'remarks', 'status', 'flag_left_behind', 'flag_special_needs',
       'flag_boarding', 'flag_single_parent', 'flag_migrant', 'flag_poverty', 'flag_on_leave',
       'ignore_id_card', 'ignore'}


def key(text):
    out = []
    for ch in text:
        if '\uff01' <= ch <= '\uff5e':
            ch = chr(ord(ch) - 0xff01 + 0x21)
        elif ch == '\u3000':
            ch = ' '
        out.append(ch)
    s = ''.join(out).strip()
    s = re.sub(r'\([^()]*\)$', '', s)
    s = ''.join(c.lower() if c.isascii() else c for c in s if c not in ' _-.*:')
    return s


rows = []
seen = {}
with open(src, encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        line = line.rstrip('\n')
        if not line or line.startswith('#') and '\t' not in line:
            continue
        parts = line.split('\t')
        if len(parts) != 2 or parts[0] not in IDS:
            sys.exit(f'{src}:{n}: expected "column id<TAB>alias" with a known id')
        k = key(parts[1])
        if not k:
            sys.exit(f'{src}:{n}: empty alias')
        if k in seen and seen[k] != parts[0]:
            sys.exit(f'{src}:{n}: alias {parts[1]!r} already maps to {seen[k]}')
        if k not in seen:
            seen[k] = parts[0]
            rows.append((parts[0], k))

with open(dst, 'w', encoding='utf-8') as out:
    out.write('/* SPDX-License-Identifier: GPL-3.0-or-later */\n')
    out.write('/* GENERATED from share/roster-headers.tsv by src/io/gen-roster-headers.py; do not edit. */\n')
    out.write('#include "roster-headers.h"\n\n')
    out.write(f'const struct roster_header_alias roster_header_aliases[{len(rows)}] = {{\n')
    for cid, k in rows:
        esc = k.replace('\\', '\\\\').replace('"', '\\"')
        out.write(f'\t{{ "{cid}", "{esc}" }},\n')
    out.write('};\n')
    out.write(f'const size_t roster_header_alias_count = {len(rows)};\n')
