/* gen_vocab.h - the words bench/gen builds the kingdom from: the 75 prefectures and
 * provinces, the pieces of commune names, people's names (Arabic and Latin side by side),
 * streets, cities and reasons.  Data only; included once, by bench/gen.c. */
#ifndef WQ_GEN_VOCAB_H
#define WQ_GEN_VOCAB_H

static const struct {
	const char *code, *kind, *fr, *ar;
} gen_provinces[] = {
	{"RABAT", "prefecture", "Rabat", "الرباط"},
	{"SALE", "prefecture", "Salé", "سلا"},
	{"SKHIRAT", "prefecture", "Skhirate-Témara", "الصخيرات تمارة"},
	{"KENITRA", "province", "Kénitra", "القنيطرة"},
	{"KHEMISSET", "province", "Khémisset", "الخميسات"},
	{"SIDIKACEM", "province", "Sidi Kacem", "سيدي قاسم"},
	{"SIDISLIMANE", "province", "Sidi Slimane", "سيدي سليمان"},
	{"CASA", "prefecture", "Casablanca", "الدار البيضاء"},
	{"MOHAMMEDIA", "prefecture", "Mohammédia", "المحمدية"},
	{"ELJADIDA", "province", "El Jadida", "الجديدة"},
	{"NOUACEUR", "province", "Nouaceur", "النواصر"},
	{"MEDIOUNA", "province", "Médiouna", "مديونة"},
	{"BENSLIMANE", "province", "Benslimane", "بنسليمان"},
	{"BERRECHID", "province", "Berrechid", "برشيد"},
	{"SETTAT", "province", "Settat", "سطات"},
	{"SIDIBENNOUR", "province", "Sidi Bennour", "سيدي بنور"},
	{"FES", "prefecture", "Fès", "فاس"},
	{"MEKNES", "prefecture", "Meknès", "مكناس"},
	{"ELHAJEB", "province", "El Hajeb", "الحاجب"},
	{"IFRANE", "province", "Ifrane", "إفران"},
	{"MOULAYYACOUB", "province", "Moulay Yacoub", "مولاي يعقوب"},
	{"SEFROU", "province", "Sefrou", "صفرو"},
	{"BOULEMANE", "province", "Boulemane", "بولمان"},
	{"TAOUNATE", "province", "Taounate", "تاونات"},
	{"TAZA", "province", "Taza", "تازة"},
	{"TANGER", "prefecture", "Tanger-Assilah", "طنجة أصيلة"},
	{"MDIQ", "prefecture", "M'diq-Fnideq", "المضيق الفنيدق"},
	{"TETOUAN", "province", "Tétouan", "تطوان"},
	{"FAHSANJRA", "province", "Fahs-Anjra", "الفحص أنجرة"},
	{"LARACHE", "province", "Larache", "العرائش"},
	{"ALHOCEIMA", "province", "Al Hoceïma", "الحسيمة"},
	{"CHEFCHAOUEN", "province", "Chefchaouen", "شفشاون"},
	{"OUEZZANE", "province", "Ouezzane", "وزان"},
	{"OUJDA", "prefecture", "Oujda-Angad", "وجدة أنكاد"},
	{"NADOR", "province", "Nador", "الناظور"},
	{"DRIOUCH", "province", "Driouch", "الدريوش"},
	{"JERADA", "province", "Jerada", "جرادة"},
	{"BERKANE", "province", "Berkane", "بركان"},
	{"TAOURIRT", "province", "Taourirt", "تاوريرت"},
	{"GUERCIF", "province", "Guercif", "جرسيف"},
	{"FIGUIG", "province", "Figuig", "فجيج"},
	{"BENIMELLAL", "province", "Béni Mellal", "بني ملال"},
	{"AZILAL", "province", "Azilal", "أزيلال"},
	{"FQUIHBENSALAH", "province", "Fquih Ben Salah", "الفقيه بن صالح"},
	{"KHENIFRA", "province", "Khénifra", "خنيفرة"},
	{"KHOURIBGA", "province", "Khouribga", "خريبكة"},
	{"MARRAKECH", "prefecture", "Marrakech", "مراكش"},
	{"CHICHAOUA", "province", "Chichaoua", "شيشاوة"},
	{"ALHAOUZ", "province", "Al Haouz", "الحوز"},
	{"ELKELAA", "province", "El Kelâa des Sraghna", "قلعة السراغنة"},
	{"ESSAOUIRA", "province", "Essaouira", "الصويرة"},
	{"REHAMNA", "province", "Rehamna", "الرحامنة"},
	{"SAFI", "province", "Safi", "آسفي"},
	{"YOUSSOUFIA", "province", "Youssoufia", "اليوسفية"},
	{"ERRACHIDIA", "province", "Errachidia", "الرشيدية"},
	{"OUARZAZATE", "province", "Ouarzazate", "ورزازات"},
	{"MIDELT", "province", "Midelt", "ميدلت"},
	{"TINGHIR", "province", "Tinghir", "تنغير"},
	{"ZAGORA", "province", "Zagora", "زاكورة"},
	{"AGADIR", "prefecture", "Agadir Ida-Outanane", "أكادير إداوتنان"},
	{"INEZGANE", "prefecture", "Inezgane-Aït Melloul", "إنزكان أيت ملول"},
	{"CHTOUKA", "province", "Chtouka-Aït Baha", "اشتوكة أيت باها"},
	{"TAROUDANT", "province", "Taroudant", "تارودانت"},
	{"TIZNIT", "province", "Tiznit", "تيزنيت"},
	{"TATA", "province", "Tata", "طاطا"},
	{"GUELMIM", "province", "Guelmim", "كلميم"},
	{"ASSAZAG", "province", "Assa-Zag", "آسا الزاك"},
	{"TANTAN", "province", "Tan-Tan", "طانطان"},
	{"SIDIIFNI", "province", "Sidi Ifni", "سيدي إفني"},
	{"LAAYOUNE", "province", "Laâyoune", "العيون"},
	{"BOUJDOUR", "province", "Boujdour", "بوجدور"},
	{"TARFAYA", "province", "Tarfaya", "طرفاية"},
	{"ESSMARA", "province", "Es-Semara", "السمارة"},
	{"OUEDEDDAHAB", "province", "Oued Ed-Dahab", "وادي الذهب"},
	{"AOUSSERD", "province", "Aousserd", "أوسرد"},
};

/* Rural commune names: a prefix and a root, both in both scripts. */
static const char *const gen_commune_prefix[][2] = {
	{"Ouled", "أولاد"}, {"Sidi", "سيدي"},  {"Aït", "أيت"},    {"Beni", "بني"},
	{"Aïn", "عين"},     {"Had", "حد"},     {"Sebt", "سبت"},   {"Tleta", "ثلاثاء"},
	{"Arbaa", "أربعاء"}, {"Khemis", "خميس"}, {"Jemaa", "جمعة"}, {"Dar", "دار"},
	{"Lalla", "لالة"},  {"Tnine", "اثنين"}, {"Oulad", "أولاد"}, {"Bir", "بئر"},
};
static const char *const gen_commune_root[][2] = {
	{"Ahmed", "أحمد"},     {"Ali", "علي"},         {"Moussa", "موسى"},   {"Yahya", "يحيى"},
	{"Bouzid", "بوزيد"},   {"Hassane", "حسان"},    {"Slimane", "سليمان"}, {"Abbou", "عبو"},
	{"Brahim", "إبراهيم"}, {"Aïssa", "عيسى"},      {"Ghiat", "غياث"},    {"Rahhal", "رحال"},
	{"Boubker", "بوبكر"},  {"Embarek", "امبارك"},  {"Jilali", "الجيلالي"}, {"Taïbi", "الطيبي"},
	{"Amar", "عمار"},      {"Frej", "فرج"},        {"Said", "سعيد"},     {"Mimoun", "ميمون"},
	{"Zerrouk", "زروق"},   {"Larbi", "العربي"},    {"Smaïl", "إسماعيل"}, {"Yaacoub", "يعقوب"},
	{"Bouazza", "بوعزة"},  {"Lahcen", "لحسن"},     {"Chiker", "شيكر"},   {"Mellouk", "ملوك"},
	{"Azzouz", "عزوز"},    {"Kacem", "قاسم"},      {"Hammou", "حمو"},    {"Dahhou", "دحو"},
};
/* Urban communes: the province's name and a district. */
static const char *const gen_district[][2] = {
	{"Centre", "المركز"},    {"Médina", "المدينة"},     {"Nord", "الشمال"},
	{"Sud", "الجنوب"},       {"Est", "الشرق"},          {"Ouest", "الغرب"},
	{"Al Massira", "المسيرة"}, {"Al Wahda", "الوحدة"},  {"Annahda", "النهضة"},
};


static const char *const gen_streets[] = {
	"rue Oued Sebou", "avenue Mohammed V", "derb Sidi Fatah", "rue Patrice Lumumba",
	"boulevard Hassan II", "rue Abou Bakr Seddik", "avenue des FAR", "impasse Al Amal",
	"hay Salam", "rue Ibn Khaldoun", "lotissement Al Wafa", "douar Laayayda",
	"avenue Allal El Fassi", "rue de Fès", "hay Mohammadi", "quartier Industriel",
};
static const char *const gen_cities[][2] = {
	{"10000", "Rabat"},    {"11000", "Salé"},       {"14000", "Kénitra"},
	{"20250", "Casablanca"}, {"26000", "Settat"},   {"30000", "Fès"},
	{"50000", "Meknès"},   {"40000", "Marrakech"},  {"90000", "Tanger"},
	{"60000", "Oujda"},    {"80000", "Agadir"},     {"23000", "Béni Mellal"},
	{"46000", "Safi"},     {"24000", "El Jadida"},  {"93000", "Tétouan"},
	{"70000", "Laâyoune"},
};
static const char *const gen_reject_reasons[] = {
	"record not found in the registers",
	"data do not match the record (date of birth)",
	"record number and year do not match",
	"the record is annotated: ask at the office",
};
static const char *const gen_return_reasons[] = {
	"address unknown",
	"not collected at the agency within 15 days",
	"addressee refused the envelope",
};
static const char *const gen_complaints[] = {
	"Toujours rien reçu après trois semaines.",
	"لم أتوصل بالوثيقة رغم الأداء",
	"Le suivi indique remis à la poste mais rien reçu.",
	"Erreur dans le nom sur l'extrait reçu.",
};

#endif
