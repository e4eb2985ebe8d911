/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keeps the library non-empty until its modules land. */
int cf_crypto_placeholder(void);
int cf_crypto_placeholder(void) { return 0; }
