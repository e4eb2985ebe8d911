/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keeps the core library non-empty until the domain modules land. */
int cf_core_placeholder(void);
int cf_core_placeholder(void) { return 0; }
