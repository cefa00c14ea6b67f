/* err.c - texts for the error codes of err.h, in Arabic, French and English.
 * Pure functions, no I/O: any process may call them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static const struct {
	const char *en, *fr, *ar;
} err_text[WQ_ERR_COUNT] = {
	[WQ_OK] = {"ok", "succès", "تم بنجاح"},
	[WQ_EINVAL] = {"invalid input", "saisie invalide", "معطيات غير صحيحة"},
	[WQ_ENOTFOUND] = {"not found", "introuvable", "غير موجود"},
	[WQ_EDENIED] = {"not allowed", "non autorisé", "غير مسموح"},
	[WQ_ECONFLICT] = {"changed by someone else", "modifié entre-temps",
			  "تم تعديله من طرف آخر"},
	[WQ_EBUSY] = {"system busy, try again", "système occupé, réessayez",
		      "النظام مشغول، أعد المحاولة"},
	[WQ_EGATEWAY] = {"outside service unavailable", "service externe indisponible",
			 "الخدمة الخارجية غير متاحة"},
	[WQ_EIO] = {"internal error", "erreur interne", "خطأ داخلي"},
};

const char *wq_strerror(int code, const char *lang)
{
	if (code < 0 || code >= WQ_ERR_COUNT)
		return "unknown error";
	if (lang && strcmp(lang, "ar") == 0)
		return err_text[code].ar;
	if (lang && strcmp(lang, "fr") == 0)
		return err_text[code].fr;
	return err_text[code].en;
}

/* The end of the conversion starting at p (just after '%'): flags, width, precision,
 * length, then its letter; the flags, width, precision and length are copied to spec. */
static const char *conversion(const char *p, char *spec, size_t len, int *stars)
{
	size_t o = 0;
	*stars = 0;
	while (*p && strchr("-+ #0123456789.*hlzjtL", *p)) {
		*stars += *p == '*';
		if (o + 1 < len)
			spec[o++] = *p;
		p++;
	}
	if (*p && o + 1 < len)
		spec[o++] = *p;
	spec[o] = '\0';
	return p;
}

/* Writes each argument of fmt, conversion by conversion, into eb->args. */
static void keep_args(struct wq_errbuf *eb, const char *fmt, va_list ap)
{
	eb->nargs = 0;
	if (snprintf(eb->fmt, sizeof eb->fmt, "%s", fmt) >= (int)sizeof eb->fmt) {
		eb->nargs = -1;
		return;
	}
	for (const char *p = fmt; *p; p++) {
		char spec[24] = "%", *arg;
		int stars, w = 0, n = 0;
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		p = conversion(p + 1, spec + 1, sizeof spec - 1, &stars);
		if (!*p || eb->nargs >= WQ_ERR_ARGS || stars > 1) {
			eb->nargs = -1;
			return;
		}
		arg = eb->args[eb->nargs++];
		if (stars)
			w = va_arg(ap, int);
		int ll = strstr(spec, "ll") != NULL, l = !ll && strchr(spec, 'l') != NULL,
		    z = strchr(spec, 'z') != NULL;
		switch (*p) {
		case 's':
			n = stars ? snprintf(arg, WQ_ERR_ARG_BYTES, spec, w, va_arg(ap, const char *))
				  : snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, const char *));
			break;
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'c':
			if (ll)
				n = snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, long long));
			else if (l)
				n = snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, long));
			else if (z)
				n = snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, size_t));
			else
				n = stars ? snprintf(arg, WQ_ERR_ARG_BYTES, spec, w, va_arg(ap, int))
					  : snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, int));
			break;
		case 'f': case 'g': case 'e':
			n = snprintf(arg, WQ_ERR_ARG_BYTES, spec, va_arg(ap, double));
			break;
		default: /* %p, %n...: none in the sentences of this project */
			eb->nargs = -1;
			return;
		}
		if (n < 0 || n >= WQ_ERR_ARG_BYTES) {
			eb->nargs = -1;
			return;
		}
	}
}

int wq_fail(struct wq_errbuf *eb, enum wq_err code, const char *field,
	    const char *fmt, ...)
{
	if (!eb)
		return code;
	eb->code = code;
	snprintf(eb->field, sizeof eb->field, "%s", field ? field : "");
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	vsnprintf(eb->msg, sizeof eb->msg, fmt, ap);
	keep_args(eb, fmt, again);
	va_end(again);
	va_end(ap);
	return code;
}

int wq_err_render(const struct wq_errbuf *eb, const char *fmt, char *out, size_t len)
{
	size_t o = 0;
	int k = 0;
	if (eb->nargs < 0 || !eb->fmt[0] || !fmt) {
		snprintf(out, len, "%s", eb->msg);
		return -1;
	}
	for (const char *p = fmt; *p && o + 1 < len; p++) {
		const char *piece = NULL;
		char one[2] = {*p, 0}, spec[24];
		int stars;
		if (*p != '%') {
			piece = one;
		} else if (p[1] == '%') {
			piece = "%";
			p++;
		} else {
			p = conversion(p + 1, spec, sizeof spec, &stars);
			if (!*p || k >= eb->nargs) {
				snprintf(out, len, "%s", eb->msg);
				return -1;
			}
			piece = eb->args[k++];
		}
		size_t n = strlen(piece);
		if (n > len - 1 - o)
			n = len - 1 - o;
		memcpy(out + o, piece, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

void wq_errbuf_clear(struct wq_errbuf *eb)
{
	if (eb)
		memset(eb, 0, sizeof *eb);
}
