/* unicode.c - the table of Unicode format characters (category Cf, Unicode 15.1,
 * from DerivedGeneralCategory.txt), the scan of a UTF-8 string for them, the check
 * that a staff member's text is well-formed and shown as typed (utf8_is_shown), a
 * stranger's text made safe to show (utf8_shown), and an address shown to whoever
 * holds a request's codes with its words masked (utf8_masked).  Pure; any
 * process may call it. */
#include <stddef.h>
#include <string.h>

#include "unicode.h"

static const struct {
	unsigned long lo, hi;
} format_ranges[] = {
	{0x00AD, 0x00AD},   {0x0600, 0x0605},	{0x061C, 0x061C},   {0x06DD, 0x06DD},
	{0x070F, 0x070F},   {0x0890, 0x0891},	{0x08E2, 0x08E2},   {0x180E, 0x180E},
	{0x200B, 0x200F},   {0x202A, 0x202E},	{0x2060, 0x2064},   {0x2066, 0x206F},
	{0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},	{0x110BD, 0x110BD}, {0x110CD, 0x110CD},
	{0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
	{0xE0020, 0xE007F},
};

int uc_is_format(unsigned long cp)
{
	/* the ranges ascend: most characters (Latin, Arabic letters) stop at the first few */
	for (size_t i = 0; i < sizeof format_ranges / sizeof format_ranges[0]; i++) {
		if (cp < format_ranges[i].lo)
			return 0;
		if (cp <= format_ranges[i].hi)
			return 1;
	}
	return 0;
}

/* The character at p: its code point in *cp and its length, or 0 when p holds no
 * well-formed character (a stray, overlong or cut sequence). */
static int utf8_char(const unsigned char *p, unsigned long *cp)
{
	unsigned long c = *p;
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
			: (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0)
		return 0;
	c = n ? c & (0x3f >> n) : c;
	for (int k = 1; k <= n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3f);
	}
	static const unsigned long least[] = {0, 0x80, 0x800, 0x10000};
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n + 1;
}

void utf8_shown(const char *s, char *out, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;
	if (!len)
		return;
	if (max > len - 1)
		max = len - 1;
	while (*p) {
		unsigned long cp = 0;
		int n = utf8_char(p, &cp);
		int bad = !n || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || uc_is_format(cp);
		size_t w = bad ? 1 : (size_t)n;
		if (o + w > max)
			break;
		if (bad)
			out[o] = '?';
		else
			memcpy(out + o, p, w);
		o += w;
		p += n ? n : 1;
	}
	out[o] = 0;
}

int uc_is_shown(unsigned long cp)
{
	return cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0) && cp <= 0x10ffff && !uc_is_format(cp);
}

int utf8_is_shown(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned long cp = 0;
		int n = utf8_char(p, &cp);
		if (!n || !uc_is_shown(cp))
			return 0;
		p += n;
	}
	return 1;
}

int utf8_has_format(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		if (*p < 0x80) { /* no format character is ASCII: every field's digits, Latin */
			p++;
			continue;
		}
		unsigned long cp = 0;
		int n = utf8_char(p, &cp);
		if (n && uc_is_format(cp))
			return 1;
		p += n ? n : 1; /* not a character: skipped */
	}
	return 0;
}

void utf8_masked(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;
	int in_word = 0;
	if (!len)
		return;
	while (*p) {
		unsigned long cp = 0;
		int n = utf8_char(p, &cp);
		/* digits and separators stay (a house number, a comma); a word keeps its
		 * first letter, enough for its owner to know it and no one else to read it */
		int keep = n == 1 && (cp < 'A' || (cp > 'Z' && cp < 'a') || cp > 'z');
		int bad = !n || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || uc_is_format(cp);
		size_t w = bad || (!keep && in_word) ? 1 : (size_t)n;
		if (o + w > len - 1)
			break;
		if (bad)
			out[o] = '?';
		else if (!keep && in_word)
			out[o] = '*';
		else
			memcpy(out + o, p, w);
		in_word = !keep && !bad;
		o += w;
		p += n ? n : 1;
	}
	out[o] = 0;
}
