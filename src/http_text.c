/* http_text.c - every sentence the citizen web pages and API show, in French and
 * Arabic, one row per text.  Pure data; the HTTP threads read it. */
#include <string.h>

#include "http_internal.h"

static const char *const texts[T_COUNT][2] = {
	/* [fr, ar] */
	[T_SITE] = {"Watiqa — actes de naissance en ligne", "وثيقة — عقود الازدياد عبر الإنترنت"},
	[T_NAV_ORDER] = {"Commander", "تقديم طلب"},
	[T_NAV_TRACK] = {"Suivre une demande", "تتبع طلب"},
	[T_SWITCH] = {"العربية", "Français"},
	[T_ORDER_TITLE] = {"Commander un acte de naissance", "طلب عقد الازدياد"},
	[T_ORDER_INTRO] = {"Recevez par courrier recommandé un extrait ou une copie intégrale de "
			   "votre acte de naissance, sans vous déplacer. Délai : 3 à 5 jours.",
			   "توصل عبر البريد المضمون بموجز أو نسخة كاملة من عقد ازديادك دون "
			   "التنقل إلى المكتب. الأجل: من 3 إلى 5 أيام."},
	[T_SEC_DOC] = {"Document", "الوثيقة"},
	[T_SEC_RECORD] = {"Acte de naissance", "عقد الازدياد"},
	[T_SEC_PERSON] = {"Personne concernée", "المعني بالأمر"},
	[T_SEC_DELIVERY] = {"Livraison et contact", "التوصيل والاتصال"},
	[T_DOC_TYPE] = {"Type de document", "نوع الوثيقة"},
	[T_EXTRACT] = {"Extrait", "موجز"},
	[T_FULL_COPY] = {"Copie intégrale", "نسخة كاملة"},
	[T_COPIES] = {"Nombre d'exemplaires", "عدد النسخ"},
	[T_COMMUNE] = {"Commune de naissance (où l'acte est inscrit)",
		       "جماعة الازدياد (مكان تسجيل العقد)"},
	[T_CHOOSE] = {"— choisir —", "— اختر —"},
	[T_RECORD_NUMBER] = {"Numéro de l'acte", "رقم العقد"},
	[T_RECORD_YEAR] = {"Année de l'acte", "سنة العقد"},
	[T_LAST_NAME_AR] = {"Nom (en arabe)", "الاسم العائلي (بالعربية)"},
	[T_FIRST_NAME_AR] = {"Prénom (en arabe)", "الاسم الشخصي (بالعربية)"},
	[T_LAST_NAME_LAT] = {"Nom (en lettres latines)", "الاسم العائلي (بالحروف اللاتينية)"},
	[T_FIRST_NAME_LAT] = {"Prénom (en lettres latines)", "الاسم الشخصي (بالحروف اللاتينية)"},
	[T_BIRTH_DATE] = {"Date de naissance (AAAA-MM-JJ)", "تاريخ الازدياد (سنة-شهر-يوم)"},
	[T_CIN] = {"N° de CIN (facultatif)", "رقم البطاقة الوطنية (اختياري)"},
	[T_ADDRESS] = {"Adresse de livraison", "عنوان التوصيل"},
	[T_POSTAL_CODE] = {"Code postal", "الرمز البريدي"},
	[T_CITY] = {"Ville", "المدينة"},
	[T_PHONE] = {"Téléphone (pour les SMS)", "الهاتف (للرسائل القصيرة)"},
	[T_EMAIL] = {"E-mail (facultatif)", "البريد الإلكتروني (اختياري)"},
	[T_E_REQUIRED] = {"Ce champ est obligatoire.", "هذه الخانة إجبارية."},
	[T_E_DOC_TYPE] = {"Choisissez « extrait » ou « copie intégrale ».",
			  "اختر «موجز» أو «نسخة كاملة»."},
	[T_E_COPIES] = {"De 1 à 10 exemplaires.", "من نسخة واحدة إلى 10 نسخ."},
	[T_E_COMMUNE] = {"Choisissez une commune de la liste.", "اختر جماعة من اللائحة."},
	[T_E_RECORD_NUMBER] = {"Numéro de 1 à 6 chiffres.", "رقم من 1 إلى 6 أرقام."},
	[T_E_RECORD_YEAR] = {"Année à 4 chiffres, ni avant la naissance ni dans le futur.",
			     "سنة من 4 أرقام، لا تسبق سنة الازدياد ولا تتجاوز السنة الحالية."},
	[T_E_NAME_AR] = {"Lettres arabes uniquement (2 à 60).", "حروف عربية فقط (من 2 إلى 60)."},
	[T_E_NAME_LAT] = {"Lettres latines uniquement (2 à 60).",
			  "حروف لاتينية فقط (من 2 إلى 60)."},
	[T_E_BIRTH_DATE] = {"Date invalide : AAAA-MM-JJ ou JJ/MM/AAAA, pas dans le futur.",
			    "تاريخ غير صحيح: سنة-شهر-يوم أو يوم/شهر/سنة، وليس في المستقبل."},
	[T_E_CIN] = {"CIN invalide : 1 ou 2 lettres puis des chiffres (ex. BE123456).",
		     "رقم البطاقة غير صحيح: حرف أو حرفان ثم أرقام (مثال BE123456)."},
	[T_E_ADDRESS] = {"Adresse de 5 à 200 caractères.", "عنوان من 5 إلى 200 حرف."},
	[T_E_POSTAL_CODE] = {"Code postal invalide (ex. 10000).", "رمز بريدي غير صحيح (مثال 10000)."},
	[T_E_CITY] = {"Nom de ville invalide.", "اسم المدينة غير صحيح."},
	[T_E_PHONE] = {"Numéro invalide : 06XXXXXXXX, 07XXXXXXXX ou +indicatif du pays.",
		       "رقم غير صحيح: 06XXXXXXXX أو 07XXXXXXXX أو +رمز البلد."},
	[T_E_EMAIL] = {"Adresse e-mail invalide.", "عنوان البريد الإلكتروني غير صحيح."},
	[T_E_TOO_LONG] = {"Texte trop long.", "النص طويل جدا."},
	[T_E_TRACKING] = {"Numéro de suivi : W suivi de 10 chiffres.",
			  "رقم التتبع: الحرف W متبوع بـ10 أرقام."},
	[T_E_SECRET] = {"Code secret : 12 lettres ou chiffres, comme K7M4-9QXT-2HPB (6 pour une "
			"demande plus ancienne).",
			"الرمز السري: 12 حرفا أو رقما، مثل K7M4-9QXT-2HPB (6 لطلب أقدم)."},
	[T_E_COMPLAINT] = {"De 10 à 1000 caractères, pas seulement des espaces.",
			   "من 10 إلى 1000 حرف، لا مسافات فقط."},
	[T_FORM_ERRORS] = {"Veuillez corriger les champs signalés.",
			   "المرجو تصحيح الخانات المشار إليها."},
	[T_CONTINUE] = {"Continuer", "متابعة"},
	[T_REVIEW_TITLE] = {"Vérifiez puis payez", "تحقق ثم أدِّ"},
	[T_FEE] = {"Montant à payer", "المبلغ الواجب أداؤه"},
	[T_MAD] = {"DH", "درهم"},
	[T_PAY] = {"Payer par carte bancaire", "الأداء بالبطاقة البنكية"},
	[T_EDIT] = {"Modifier", "تعديل"},
	[T_PAY_NOTE] = {"Vous serez redirigé vers la page de paiement sécurisée de la banque "
			"(carte marocaine ou internationale).",
			"سيتم توجيهك إلى صفحة الأداء الآمنة للبنك (بطاقة مغربية أو دولية)."},
	[T_FEE_TABLE] = {"%s DH le premier exemplaire, %s DH chaque exemplaire de plus, "
			 "envoi recommandé compris.",
			 "%s درهم للنسخة الأولى و%s درهم لكل نسخة إضافية، مع الإرسال المضمون."},
	[T_PAID_TITLE] = {"Paiement reçu : votre demande est enregistrée",
			  "تم الأداء: سُجل طلبك"},
	[T_TRACKING] = {"Numéro de suivi", "رقم التتبع"},
	[T_SECRET] = {"Code secret", "الرمز السري"},
	[T_KEEP] = {"Notez ces deux codes : ils vous permettent de suivre votre demande.",
		    "احتفظ بهذين الرمزين: يمكّنانك من تتبع طلبك."},
	[T_DECLINED_TITLE] = {"Paiement refusé", "تم رفض الأداء"},
	[T_DECLINED_TEXT] = {"La banque a refusé le paiement. Votre demande attend son paiement : "
			     "vous pouvez réessayer avec une autre carte.",
			     "رفض البنك الأداء. طلبك في انتظار الأداء: يمكنك إعادة المحاولة "
			     "ببطاقة أخرى."},
	[T_RETRY] = {"Réessayer le paiement", "إعادة محاولة الأداء"},
	[T_PENDING_TITLE] = {"Paiement en cours de traitement", "الأداء قيد المعالجة"},
	[T_PENDING_TEXT] = {"La banque n'a pas encore confirmé le paiement. Consultez le suivi "
			    "dans quelques minutes.",
			    "لم يؤكد البنك الأداء بعد. راجع صفحة التتبع بعد بضع دقائق."},
	[T_EXPIRES] = {"Sans paiement, la demande est annulée au bout de 24 heures.",
		       "يُلغى الطلب غير المؤدى عنه بعد 24 ساعة."},
	[T_SEE_TRACKING] = {"Voir le suivi", "عرض التتبع"},
	[T_TRACK_TITLE] = {"Suivre une demande", "تتبع طلب"},
	[T_TRACK_BTN] = {"Suivre", "تتبع"},
	[T_STATE] = {"État", "الحالة"},
	[T_HISTORY] = {"Étapes", "المراحل"},
	[T_MAIL_CODE] = {"N° d'envoi recommandé", "رقم الإرسالية المضمونة"},
	[T_NOT_FOUND] = {"Numéro de suivi ou code secret incorrect.",
			 "رقم التتبع أو الرمز السري غير صحيح."},
	[T_DATE] = {"Date", "التاريخ"},
	[T_TIME_ZONE] = {"heure du Maroc", "توقيت المغرب"}, /* every time shown (WQ_TIME_ZONE) */
	[T_COMPLAINT_TITLE] = {"Déposer une réclamation", "تقديم شكاية"},
	[T_COMPLAINT_FIELD] = {"Votre réclamation", "نص الشكاية"},
	[T_COMPLAINT_SENT] = {"Réclamation enregistrée. L'inspecteur de l'état civil vous "
			      "répondra.",
			      "سُجلت شكايتك. سيجيبك مفتش الحالة المدنية."},
	[T_COMPLAINT_TOO_MANY] = {"Trois réclamations sur cette demande attendent déjà une "
				  "réponse.",
				  "توجد ثلاث شكايات حول هذا الطلب في انتظار الجواب."},
	[T_COMPLAINTS] = {"Vos réclamations", "شكاياتك"},
	[T_SEND] = {"Envoyer", "إرسال"},
	[T_ANSWER] = {"Réponse", "الجواب"},
	[T_CSRF] = {"Le formulaire a expiré. Vérifiez-le et envoyez-le de nouveau.",
		    "انتهت صلاحية الاستمارة. تحقق منها وأعد إرسالها."},
	[T_RATE] = {"Trop de requêtes depuis votre adresse. Réessayez dans une minute.",
		    "طلبات كثيرة من عنوانك. أعد المحاولة بعد دقيقة."},
	[T_BAD_INPUT] = {"Requête invalide.", "طلب غير صحيح."},
	[T_UTF8] = {"Texte mal encodé : UTF-8 attendu.", "نص بترميز غير صحيح: المطلوب UTF-8."},
	[T_TOO_BIG] = {"Formulaire trop volumineux.", "الاستمارة كبيرة جدا."},
	[T_NO_PAGE] = {"Page introuvable.", "الصفحة غير موجودة."},
	[T_ERROR] = {"Erreur interne. Réessayez plus tard.", "خطأ داخلي. أعد المحاولة لاحقا."},
	[T_BUSY] = {"Le système est occupé. Réessayez dans un instant.",
		    "النظام مشغول. أعد المحاولة بعد لحظة."},
	[T_GATEWAY_DOWN] = {"Le service de paiement ne répond pas. Réessayez plus tard.",
			    "خدمة الأداء لا تستجيب. أعد المحاولة لاحقا."},
	[T_SUMMARY] = {"Récapitulatif", "ملخص الطلب"},
	[T_NO_SECRET] = {"Votre code secret vous a été affiché avant le paiement.",
			 "عُرض عليك رمزك السري قبل الأداء."},
	[T_REJECT_REASON] = {"Motif", "السبب"},
	[T_PROVINCE] = {"Province ou préfecture de naissance", "إقليم أو عمالة الازدياد"},
	[T_PROVINCE_FIRST] = {"Choisissez d'abord la province ou la préfecture où la naissance "
			      "est inscrite ; la liste de ses communes suit.",
			      "اختر أولا الإقليم أو العمالة حيث سُجل الازدياد، ثم تظهر لائحة "
			      "جماعاتها."},
	[T_E_PROVINCE] = {"Choisissez une province ou une préfecture de la liste.",
			  "اختر إقليما أو عمالة من اللائحة."},
	[T_SHOW_COMMUNES] = {"Afficher ses communes", "عرض جماعاته"},
	[T_CHANGE_PROVINCE] = {"Changer de province", "تغيير الإقليم"},
	[T_LIST_PREV] = {"Partie précédente", "الجزء السابق"},
	[T_LIST_NEXT] = {"Partie suivante", "الجزء التالي"},
	[T_LIST_PART] = {"partie %d sur %d", "الجزء %d من %d"},
	[T_REFUND] = {"Remboursement", "استرجاع المبلغ"},
	[T_CANCEL_TITLE] = {"Annuler la demande", "إلغاء الطلب"},
	[T_CANCEL_TEXT] = {"Le bureau n'a pas encore commencé à traiter votre demande : vous "
			   "pouvez l'annuler. Les frais payés seront remboursés sur votre carte.",
			   "لم يشرع المكتب بعد في معالجة طلبك: يمكنك إلغاؤه. سيتم إرجاع المبلغ "
			   "المؤدى إلى بطاقتك البنكية."},
	[T_CANCEL_CONFIRM] = {"Je confirme l'annulation de ma demande",
			      "أؤكد إلغاء طلبي"},
	[T_CANCEL_BTN] = {"Annuler ma demande", "إلغاء طلبي"},
	[T_CANCELLED] = {"Votre demande est annulée. Le remboursement sur votre carte est en "
			 "cours.",
			 "تم إلغاء طلبك. إرجاع المبلغ إلى بطاقتك جار."},
	[T_CANCEL_TOO_LATE] = {"Le bureau a déjà commencé à traiter votre demande : elle ne peut "
			       "plus être annulée.",
			       "شرع المكتب في معالجة طلبك: لم يعد من الممكن إلغاؤه."},
	[T_CANCEL_NOT_PAID] = {"Seule une demande payée, pas encore prise en charge par le "
			       "bureau, peut être annulée.",
			       "لا يمكن إلغاء إلا طلب مؤدى لم يشرع المكتب بعد في معالجته."},
	[T_E_CONFIRM] = {"Cochez la case pour confirmer l'annulation.",
			 "ضع علامة في الخانة لتأكيد الإلغاء."},
	[T_TOO_MANY_TRIES] = {"Trop de codes secrets erronés : réessayez dans quelques minutes.",
			      "عدد كبير من الرموز السرية الخاطئة: أعد المحاولة بعد بضع دقائق."},
	[T_E_PHONE_UNPAID] = {"Ce numéro a déjà autant de commandes non payées en cours que "
			      "permis : payez-en une ou attendez qu'elles expirent (24 h).",
			      "لهذا الرقم العدد الأقصى من الطلبات غير المؤداة الجارية: أدّ أحدها "
			      "أو انتظر انتهاء صلاحيتها (24 ساعة)."},
	[T_PAID_ELSEWHERE] = {"Cette page ne s'affiche que dans le navigateur qui a passé la "
			      "commande. Suivez votre demande avec son numéro et son code secret.",
			      "لا تظهر هذه الصفحة إلا في المتصفح الذي قُدّم منه الطلب. تتبع طلبك "
			      "برقمه ورمزه السري."},
	[T_METHOD_TITLE] = {"Méthode non acceptée", "طريقة غير مقبولة"},
	/* %s: the method asked, then the ones the address answers ("GET, HEAD") */
	[T_METHOD] = {"Cette adresse n'accepte pas la méthode %s ; elle accepte : %s.",
		      "هذا العنوان لا يقبل الطريقة %s؛ الطرق المقبولة: %s."},
	[T_RETURN_REASON] = {"Motif du retour", "سبب الإرجاع"},
	[T_RETURNED_TITLE] = {"Votre pli nous est revenu", "عاد إلينا ظرفكم"},
	[T_RETURNED_TEXT] = {"La poste n'a pas pu vous remettre vos documents. Choisissez : les "
			     "recevoir à une adresse corrigée (frais d'envoi à payer), les retirer au "
			     "bureau avec votre CIN, ou être remboursé (le pli sera détruit). Sans "
			     "choix avant la date limite, le pli est détruit et les frais remboursés.",
			     "لم يتمكن البريد من تسليمكم وثائقكم. اختاروا: توصلها في عنوان مصحح "
			     "(مع أداء رسوم الإرسال)، أو سحبها من المكتب ببطاقتكم الوطنية، أو "
			     "استرجاع المبلغ (سيتلف الظرف). بدون اختيار قبل الأجل، يتلف الظرف ويرجع "
			     "المبلغ."},
	[T_CHOICE_COLLECT] = {"Je retire mes documents au bureau avec ma CIN",
			      "أسحب وثائقي من المكتب ببطاقتي الوطنية"},
	[T_CHOICE_REFUND] = {"Je préfère être remboursé (le pli sera détruit)",
			     "أفضل استرجاع المبلغ (سيتلف الظرف)"},
	[T_CHOOSE_BTN] = {"Valider mon choix", "تأكيد اختياري"},
	[T_CHOSEN_COLLECT] = {"C'est noté : vos documents vous attendent au bureau. Présentez "
			      "votre CIN.",
			      "تم التسجيل: وثائقكم في انتظاركم بالمكتب. أدلوا ببطاقتكم الوطنية."},
	[T_CHOSEN_REFUND] = {"C'est noté : le pli sera détruit et les frais remboursés sur votre "
			     "carte.",
			     "تم التسجيل: سيتلف الظرف ويرجع المبلغ إلى بطاقتكم."},
	[T_CHOICE_TOO_LATE] = {"Ce choix n'est plus possible : votre pli n'attend plus votre "
			       "choix.",
			       "لم يعد هذا الاختيار ممكنا: ظرفكم لم يعد في انتظار اختياركم."},
	[T_E_CHOICE] = {"Choisissez le renvoi à une adresse corrigée, le retrait au bureau ou le "
			"remboursement.",
			"اختاروا إعادة الإرسال إلى عنوان مصحح أو السحب من المكتب أو استرجاع المبلغ."},
	[T_TO_COLLECT_TEXT] = {"Vos documents vous attendent au bureau, à retirer avec votre CIN.",
			       "وثائقكم في انتظاركم بالمكتب، تسحب ببطاقتكم الوطنية."},
	[T_DEADLINE] = {"Date limite", "آخر أجل"},
	[T_CHOICE_RESEND] = {"Renvoyez-moi mes documents à cette adresse corrigée :",
			     "أعيدوا إرسال وثائقي إلى هذا العنوان المصحح:"},
	[T_RESEND_POSTAGE] = {"Frais d'envoi, payés en ligne à part", "رسوم الإرسال، تؤدى عبر "
			      "الإنترنت على حدة"},
	[T_RESEND_PAID] = {"Frais d'envoi reçus : vos documents repartent à l'adresse corrigée "
			   "avec un nouveau numéro de recommandé.",
			   "توصلنا برسوم الإرسال: تعاد وثائقكم إلى العنوان المصحح برقم بريد "
			   "مضمون جديد."},
	[T_RD_TITLE] = {"Renvoi à l'adresse corrigée", "إعادة الإرسال إلى العنوان المصحح"},
	[T_RD_ADDRESS] = {"Adresse corrigée", "العنوان المصحح"},
	[T_RD_POSTAGE] = {"Frais d'envoi", "رسوم الإرسال"},
	[T_RD_UNPAID] = {"en attente de votre paiement", "في انتظار أدائكم"},
	[T_RD_PAID_ON] = {"payés le", "أديت بتاريخ"},
	[T_RD_READY] = {"frais reçus : le pli sera remis à la poste avec un nouveau numéro de "
			"recommandé",
			"توصلنا بالرسوم: سيسلم الظرف إلى البريد برقم بريد مضمون جديد"},
	[T_RD_CODE] = {"Nouveau numéro de recommandé", "رقم البريد المضمون الجديد"},
	[T_POSTAGE_REFUND] = {"Frais d'envoi payés en trop", "رسوم الإرسال المدفوعة زيادة"},
	[T_VERIFY_TITLE] = {"Vérifier un document", "التحقق من وثيقة"},
	[T_VERIFY_INTRO] = {"Administrations : saisissez le code de vérification imprimé sur le "
			    "document pour savoir s'il a été délivré par un bureau d'état civil "
			    "et s'il est toujours valable.",
			    "للإدارات: أدخلوا رمز التحقق المطبوع على الوثيقة لمعرفة ما إذا كانت "
			    "صادرة عن مكتب للحالة المدنية وما إذا كانت لا تزال صالحة."},
	[T_VERIFY_CODE] = {"Code de vérification (XXXX-XXXX-XXXX)", "رمز التحقق (XXXX-XXXX-XXXX)"},
	[T_VERIFY_BTN] = {"Vérifier", "تحقق"},
	[T_E_VERIFY_CODE] = {"Code de vérification : 12 lettres et chiffres, sous la forme "
			     "XXXX-XXXX-XXXX.",
			     "رمز التحقق: 12 حرفا ورقما، على شكل XXXX-XXXX-XXXX."},
	[T_VERIFY_UNKNOWN] = {"Code inconnu : aucun document délivré ne porte ce code. Vérifiez "
			      "la saisie.",
			      "رمز غير معروف: لا توجد وثيقة صادرة تحمل هذا الرمز. تحققوا من "
			      "الإدخال."},
	[T_VERIFY_VALID] = {"Document authentique et valable.", "وثيقة أصلية وصالحة."},
	[T_VERIFY_NOT_VALID] = {"Document délivré, mais il n'est plus valable.",
				"وثيقة صادرة، لكنها لم تعد صالحة."},
	[T_VERIFY_OFFICE] = {"Bureau émetteur", "المكتب المصدر"},
	[T_VERIFY_ISSUED] = {"Date de délivrance", "تاريخ الإصدار"},
	[T_VERIFY_INITIALS] = {"Initiales de la personne", "الحروف الأولى لاسم المعني بالأمر"},
	[T_VERIFY_WHY] = {"Motif", "السبب"},
	[T_VERIFY_REFUNDED] = {"demande remboursée", "طلب مسترجع المبلغ"},
	[T_VERIFY_TOO_MANY] = {"Trop de codes inconnus : réessayez dans quelques minutes.",
			       "رموز غير معروفة كثيرة: أعيدوا المحاولة بعد بضع دقائق."},
	[T_COUNTRY] = {"Pays de livraison", "بلد التوصيل"},
	[T_E_COUNTRY] = {"Choisissez un pays de la liste.", "اختر بلدا من القائمة."},
	/* %s: an example for the chosen country */
	[T_E_POSTAL_ABROAD] = {"Code postal invalide pour ce pays (ex. %s).",
			       "رمز بريدي غير صحيح لهذا البلد (مثال %s)."},
	[T_E_POSTAL_INTL] = {"Code postal invalide : 3 à 10 lettres et chiffres.",
			     "رمز بريدي غير صحيح: من 3 إلى 10 حروف وأرقام."},
	[T_E_PHONE_ABROAD] = {"Numéro invalide : un numéro de ce pays (ex. %s) ou +indicatif du "
			      "pays et le numéro.",
			      "رقم غير صحيح: رقم من هذا البلد (مثال %s) أو +رمز البلد والرقم."},
	[T_E_PHONE_INTL] = {"Numéro invalide : +indicatif du pays puis le numéro, 8 à 15 chiffres "
			    "(ex. +44 7400 123456).",
			    "رقم غير صحيح: +رمز البلد ثم الرقم، من 8 إلى 15 رقما (مثال +44 7400 "
			    "123456)."},
	[T_COUNTRY_MORE] = {"Autres pays", "بلدان أخرى"},
	/* an order's lines */
	[T_SEC_DOCS] = {"Documents demandés", "الوثائق المطلوبة"},
	[T_LINES_HINT] = {"Cochez l'extrait, la copie intégrale ou les deux, chacun avec son "
			  "nombre d'exemplaires : une seule commande, un seul paiement, une seule "
			  "enveloppe.",
			  "اختر الموجز أو النسخة الكاملة أو هما معا، ولكل منهما عدد نسخه: طلب واحد "
			  "وأداء واحد وظرف واحد."},
	[T_E_NO_LINE] = {"Cochez au moins un document.", "اختر وثيقة واحدة على الأقل."},
	[T_E_LINES_MANY] = {"Deux documents au plus : un extrait et une copie intégrale.",
			    "وثيقتان على الأكثر: موجز ونسخة كاملة."},
	[T_E_LINE_TWICE] = {"Ce document est déjà demandé plus haut : un seul par type.",
			    "هذه الوثيقة مطلوبة أعلاه: واحدة لكل نوع."},
	[T_E_LINES_BOTH] = {"Donnez les documents soit par « lines », soit par doc_type et "
			    "copies, pas les deux.",
			    "حدد الوثائق إما عبر « lines » أو عبر doc_type و copies، لا هما معا."},
	[T_E_LINES_LIST] = {"« lines » : une liste de documents, chacun {doc_type, copies}.",
			    "« lines »: قائمة وثائق، لكل منها {doc_type, copies}."},
	[T_TOTAL] = {"Total", "المجموع"},
	[T_LINE_FEE] = {"Droit", "الرسم"},
	[T_LINE_REJECTED] = {"Refusé", "مرفوض"},
	[T_COPIES_SHORT] = {"exemplaire(s)", "نسخة"},
	[T_POSTAGE] = {"dont envoi recommandé international", "منها الإرسال المضمون الدولي"},
	[T_VERIFY_ONLY] = {"Cette page ne montre rien de plus sur la personne.",
			   "لا تعرض هذه الصفحة أي معلومات أخرى عن الشخص."},
	[T_OFFICE] = {"Bureau d'état civil où l'acte est inscrit",
		      "مكتب الحالة المدنية المسجل به العقد"},
	[T_OFFICE_UNKNOWN] = {"Je ne sais pas (le bureau central de la commune le transmettra)",
			      "لا أعرف (يحيله المكتب المركزي للجماعة)"},
	[T_E_OFFICE] = {"Choisissez un bureau de la commune de naissance, ou « Je ne sais pas ».",
			"اختر مكتبا تابعا لجماعة الازدياد، أو «لا أعرف»."},
};

const char *tr_lang(const char *lang, enum txt t)
{
	if ((int)t < 0 || t >= T_COUNT)
		return "";
	const char *s = texts[t][lang && !strcmp(lang, "ar")];
	return s ? s : texts[t][0] ? texts[t][0] : "";
}

const char *tr(const struct http_ctx *c, enum txt t)
{
	return tr_lang(c->lang, t);
}
