/* totp.c - the staff's second factor, computed: RFC 6238 time-based codes (HMAC-SHA1
 * through libcrypto, 30 s steps, 6 digits) over a 160-bit secret kept as RFC 4648 base32
 * text, one-use recovery codes, the otpauth:// URI an authenticator app reads and that
 * URI drawn as a QR code in text (libqrencode, two modules per character cell).  No
 * database, no terminal: src/db_totp.c stores and checks, screens/totp_enrol.c shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <qrencode.h>

#include "totp.h"

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int totp_secret_new(char *b32, size_t size)
{
	unsigned char raw[TOTP_SECRET_BYTES];
	if (size < TOTP_SECRET_B32_BYTES || RAND_bytes(raw, sizeof raw) != 1)
		return -1;
	/* 20 bytes = 160 bits = 32 base32 characters, no padding */
	size_t o = 0;
	for (size_t bit = 0; bit < sizeof raw * 8; bit += 5) {
		unsigned v = 0;
		for (int k = 0; k < 5; k++) {
			size_t b = bit + (size_t)k;
			v = (v << 1) | ((raw[b / 8] >> (7 - b % 8)) & 1);
		}
		b32[o++] = b32_alphabet[v];
	}
	b32[o] = '\0';
	return 0;
}

/* Base32 text (case, spaces and '=' ignored) to bytes; the byte count, or -1. */
static int b32_decode(const char *b32, unsigned char *out, size_t size)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	for (const char *p = b32; *p; p++) {
		if (*p == ' ' || *p == '=' || *p == '-')
			continue;
		const char *at = strchr(b32_alphabet, *p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		if (!at || !*p)
			return -1;
		acc = (acc << 5) | (unsigned)(at - b32_alphabet);
		bits += 5;
		if (bits >= 8) {
			if (n == size)
				return -1;
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)n;
}

int totp_code(const char *b32, int64_t step, char out[TOTP_DIGITS + 1])
{
	unsigned char key[64], msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	int klen = b32_decode(b32, key, sizeof key);
	if (klen <= 0 || step < 0)
		return -1;
	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (unsigned char)(step & 0xff);
	if (!HMAC(EVP_sha1(), key, klen, msg, sizeof msg, mac, &maclen) || maclen < 20)
		return -1;
	int off = mac[maclen - 1] & 0x0f; /* RFC 4226 dynamic truncation */
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	snprintf(out, TOTP_DIGITS + 1, "%06u", (unsigned)(bin % 1000000));
	return 0;
}

int64_t totp_step(int64_t unix_seconds)
{
	return unix_seconds / TOTP_STEP_SECONDS;
}

int64_t totp_match(const char *b32, const char *code, int64_t now, int64_t last_step)
{
	if (strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return -1;
	int64_t step = totp_step(now);
	/* one step either way for clocks that drift; never a step already used */
	for (int64_t s = step - TOTP_WINDOW_STEPS; s <= step + TOTP_WINDOW_STEPS; s++) {
		char want[TOTP_DIGITS + 1];
		if (s <= last_step || totp_code(b32, s, want) != 0)
			continue;
		/* compared whole, in constant time */
		unsigned diff = 0;
		for (int i = 0; i < TOTP_DIGITS; i++)
			diff |= (unsigned)(want[i] ^ code[i]);
		if (diff == 0)
			return s;
	}
	return -1;
}

/* Without 0/o, 1/l/i: read off paper and typed without doubt. */
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

int totp_recovery_new(char *out, size_t size)
{
	unsigned char raw[TOTP_RECOVERY_CHARS];
	if (size < TOTP_RECOVERY_BYTES || RAND_bytes(raw, sizeof raw) != 1)
		return -1;
	size_t o = 0;
	for (int i = 0; i < TOTP_RECOVERY_CHARS; i++) {
		if (i == TOTP_RECOVERY_CHARS / 2)
			out[o++] = '-';
		/* 256 % 31 != 0: the small bias costs under 0.1 bit per character */
		out[o++] = recovery_alphabet[raw[i] % (sizeof recovery_alphabet - 1)];
	}
	out[o] = '\0';
	return 0;
}

void totp_recovery_normalize(const char *in, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < size; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
		if (c == ' ' || c == '-')
			continue;
		if (o == TOTP_RECOVERY_CHARS / 2 && o + 2 < size)
			out[o++] = '-';
		out[o++] = c;
	}
	out[o] = '\0';
}

void totp_uri(const char *username, const char *b32, char *out, size_t size)
{
	/* SHA1, 6 digits, 30 s and the issuer (the label names it) are every app's defaults:
	 * left out, the QR code stays small enough (33 modules) beside text on 80x24 */
	snprintf(out, size, "otpauth://totp/Watiqa:%s?secret=%s", username, b32);
}

/* Rows of UTF-8 text: each character cell holds two modules, the upper and the lower
 * (full block, upper half, lower half, space), light modules drawn as blocks so that the
 * code reads right on a dark terminal, with a light quiet zone around it. */
int totp_qr_text(const char *text, char ***rows_out, int *n_out, int *width_out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (!qr)
		return -1;
	const int quiet = 1, w = qr->width + 2 * quiet;
	int nrows = (w + 1) / 2;
	char **rows = calloc((size_t)nrows, sizeof *rows);
	for (int r = 0; rows && r < nrows; r++) {
		char *line = rows[r] = malloc((size_t)w * 3 + 1);
		if (!line)
			break;
		size_t o = 0;
		for (int x = 0; x < w; x++) {
			int top = 0, bottom = 0; /* dark? */
			for (int half = 0; half < 2; half++) {
				int y = 2 * r + half, mx = x - quiet, my = y - quiet;
				int dark = y < w && mx >= 0 && my >= 0 && mx < qr->width &&
					   my < qr->width && (qr->data[my * qr->width + mx] & 1);
				*(half ? &bottom : &top) = dark || y >= w;
			}
			const char *cell = !top && !bottom ? "\xe2\x96\x88"	 /* █ */
					   : !top	   ? "\xe2\x96\x80"	 /* ▀ */
					   : !bottom	   ? "\xe2\x96\x84"	 /* ▄ */
							   : " ";
			size_t len = strlen(cell);
			memcpy(line + o, cell, len);
			o += len;
		}
		line[o] = '\0';
	}
	QRcode_free(qr);
	for (int r = 0; rows && r < nrows; r++)
		if (!rows[r]) {
			totp_qr_free(rows, nrows);
			return -1;
		}
	if (!rows)
		return -1;
	*rows_out = rows;
	*n_out = nrows;
	*width_out = w;
	return 0;
}

void totp_qr_free(char **rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i]);
	free(rows);
}

/* The AES-256-GCM key of the stored secrets: derived from the server key, so that the
 * key file serves one purpose per derivation. */
static void seal_key(const unsigned char server_key[32], unsigned char out[32])
{
	unsigned len = 32;
	static const char label[] = "watiqa totp secret v1";
	HMAC(EVP_sha256(), server_key, 32, (const unsigned char *)label, sizeof label - 1, out,
	     &len);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				return -1;
			v = v * 16 + (unsigned)d;
		}
		out[i] = (unsigned char)v;
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

#define SEAL_NONCE 12
#define SEAL_TAG 16
#define SEAL_TEXT (TOTP_SECRET_B32_BYTES - 1)

int totp_seal(const unsigned char server_key[32], const char *b32, char *out, size_t size)
{
	unsigned char k[32], buf[SEAL_NONCE + SEAL_TEXT + SEAL_TAG];
	int len = 0, ok;
	if (strlen(b32) != SEAL_TEXT || size < TOTP_SEALED_BYTES ||
	    RAND_bytes(buf, SEAL_NONCE) != 1)
		return -1;
	seal_key(server_key, k);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k, buf) == 1 &&
	     EVP_EncryptUpdate(c, buf + SEAL_NONCE, &len, (const unsigned char *)b32, SEAL_TEXT) ==
		     1 &&
	     EVP_EncryptFinal_ex(c, buf + SEAL_NONCE + len, &len) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, buf + SEAL_NONCE + SEAL_TEXT) ==
		     1;
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(k, sizeof k);
	if (!ok)
		return -1;
	memcpy(out, "e1:", 3);
	hex(buf, sizeof buf, out + 3);
	return 0;
}

int totp_unseal(const unsigned char server_key[32], const char *sealed, char *b32, size_t size)
{
	unsigned char k[32], buf[SEAL_NONCE + SEAL_TEXT + SEAL_TAG];
	int len = 0, ok;
	if (strncmp(sealed, "e1:", 3) != 0 || size < TOTP_SECRET_B32_BYTES ||
	    unhex(sealed + 3, buf, sizeof buf) != 0)
		return -1;
	seal_key(server_key, k);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k, buf) == 1 &&
	     EVP_DecryptUpdate(c, (unsigned char *)b32, &len, buf + SEAL_NONCE, SEAL_TEXT) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SEAL_TAG,
				 buf + SEAL_NONCE + SEAL_TEXT) == 1 &&
	     EVP_DecryptFinal_ex(c, (unsigned char *)b32 + len, &len) == 1;
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(k, sizeof k);
	b32[ok ? SEAL_TEXT : 0] = '\0';
	return ok ? 0 : -1;
}
