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

int wq_fail(struct wq_errbuf *eb, enum wq_err code, const char *field,
	    const char *fmt, ...)
{
	if (!eb)
		return code;
	eb->code = code;
	snprintf(eb->field, sizeof eb->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(eb->msg, sizeof eb->msg, fmt, ap);
	va_end(ap);
	return code;
}

void wq_errbuf_clear(struct wq_errbuf *eb)
{
	if (eb)
		memset(eb, 0, sizeof *eb);
}
