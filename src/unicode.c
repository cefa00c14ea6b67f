/* unicode.c - the table of Unicode format characters (category Cf, Unicode 15.1,
 * from DerivedGeneralCategory.txt) and the scan of a UTF-8 string for them.  Pure; any
 * process may call it. */
#include <stddef.h>

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
	for (size_t i = 0; i < sizeof format_ranges / sizeof format_ranges[0]; i++)
		if (cp >= format_ranges[i].lo && cp <= format_ranges[i].hi)
			return 1;
	return 0;
}

int utf8_has_format(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		unsigned long cp = *p;
		int n = cp < 0x80 ? 0 : (cp & 0xe0) == 0xc0 ? 1 : (cp & 0xf0) == 0xe0 ? 2
					: (cp & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0) {
			p++;
			continue;
		}
		cp = n ? cp & (0x3f >> n) : cp;
		int k = 1;
		for (; k <= n && (p[k] & 0xc0) == 0x80; k++)
			cp = (cp << 6) | (p[k] & 0x3f);
		if (k <= n) { /* cut short: not a character */
			p += k;
			continue;
		}
		if (uc_is_format(cp))
			return 1;
		p += n + 1;
	}
	return 0;
}
