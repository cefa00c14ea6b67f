/* names.c - Moroccan given and family names in Arabic and Latin letters, side by side:
 * the vocabulary of the demo data (src/demo.c, which draws from the first entries) and
 * of the kingdom-sized generator (bench/gen.c, which draws from all).  Data only. */
#include "names.h"

const char *const names_given[][2] = {
	{"محمد", "Mohammed"}, {"فاطمة", "Fatima"},   {"يوسف", "Youssef"}, {"خديجة", "Khadija"},
	{"أحمد", "Ahmed"},    {"مريم", "Meryem"},    {"عمر", "Omar"},     {"زينب", "Zineb"},
	{"حمزة", "Hamza"},    {"سلمى", "Salma"},     {"إدريس", "Driss"},  {"نجاة", "Najat"},
	{"أيوب", "Ayoub"},    {"هند", "Hind"},       {"رشيد", "Rachid"},  {"سكينة", "Sakina"},
	{"عبد الله", "Abdellah"}, {"لبنى", "Loubna"}, {"مهدي", "Mehdi"},  {"ياسمين", "Yasmine"},
	{"إبراهيم", "Brahim"}, {"عائشة", "Aicha"},   {"الحسن", "Hassan"}, {"حليمة", "Halima"},
	{"الحسين", "Houssine"}, {"سعاد", "Souad"},   {"كريم", "Karim"},   {"نادية", "Nadia"},
	{"عادل", "Adil"},     {"إيمان", "Imane"},    {"سعيد", "Said"},    {"رجاء", "Rajae"},
	{"مصطفى", "Mustapha"}, {"حنان", "Hanane"},   {"عبد الرحيم", "Abderrahim"},
	{"أسماء", "Asmae"},   {"نبيل", "Nabil"},     {"وفاء", "Wafae"},   {"طارق", "Tarik"},
	{"سناء", "Sanae"},    {"إلياس", "Ilyas"},    {"شيماء", "Chaimae"}, {"زكرياء", "Zakaria"},
	{"غيثة", "Ghita"},    {"أنس", "Anas"},       {"كوثر", "Kaoutar"}, {"عثمان", "Othmane"},
	{"سهام", "Siham"},    {"بلال", "Bilal"},     {"حياة", "Hayat"},   {"جمال", "Jamal"},
	{"لطيفة", "Latifa"},  {"عبد العزيز", "Abdelaziz"}, {"مليكة", "Malika"},
	{"سفيان", "Soufiane"}, {"نوال", "Naoual"},   {"هشام", "Hicham"},  {"بشرى", "Bouchra"},
	{"ياسين", "Yassine"}, {"دنيا", "Dounia"},
};
const int names_given_count = sizeof names_given / sizeof names_given[0];

const char *const names_family[][2] = {
	{"العلوي", "Alaoui"},     {"بناني", "Bennani"},     {"الإدريسي", "El Idrissi"},
	{"التازي", "Tazi"},       {"الفاسي", "El Fassi"},   {"الشرقاوي", "Cherkaoui"},
	{"الزياني", "Ziani"},     {"برادة", "Berrada"},     {"الكتاني", "Kettani"},
	{"بنجلون", "Benjelloun"}, {"العمراني", "Amrani"},   {"الصقلي", "Sqalli"},
	{"الوزاني", "Ouazzani"},  {"بوعزة", "Bouazza"},     {"الحسني", "El Hassani"},
	{"المنصوري", "Mansouri"}, {"الرحماني", "Rahmani"},  {"أزناك", "Aznag"},
	{"بنكيران", "Benkirane"}, {"الشامي", "Chami"},      {"الغزواني", "Ghazouani"},
	{"السباعي", "Sebbai"},    {"الخطيب", "El Khatib"},  {"بنعلي", "Benali"},
	{"الرفاعي", "Rifai"},     {"المرابط", "Mrabet"},    {"الحداد", "Haddad"},
	{"النجار", "Najjar"},     {"البقالي", "Bakkali"},   {"الطاهري", "Tahiri"},
	{"الجراري", "Jirari"},    {"الدكالي", "Doukkali"},  {"السوسي", "Soussi"},
	{"الريفي", "Rifi"},       {"الصحراوي", "Sahraoui"}, {"المراكشي", "Marrakchi"},
	{"الرباطي", "Ribati"},    {"الطنجاوي", "Tanjaoui"}, {"بلحاج", "Belhaj"},
	{"بوزيان", "Bouziane"},   {"بنسعيد", "Bensaid"},    {"بنموسى", "Benmoussa"},
	{"العثماني", "El Othmani"}, {"الحلوي", "Hallaoui"},  {"الزموري", "Zemmouri"},
	{"الكراوي", "Guerraoui"}, {"بنشقرون", "Benchekroun"}, {"التويمي", "Touimi"},
	{"الصنهاجي", "Sanhaji"},  {"أوحمو", "Ouhammou"},    {"أيت الحاج", "Ait El Haj"},
	{"أمزيان", "Amziane"},    {"أكوراي", "Akouray"},    {"إدبلا", "Idbella"},
	{"الهواري", "Houari"},    {"بلمختار", "Belmokhtar"}, {"الشاوي", "Chaoui"},
	{"الزهراوي", "Zahraoui"}, {"الساهل", "Sahel"},      {"المغاري", "Meghari"},
	{"الداودي", "Daoudi"},    {"بن عبد الله", "Benabdellah"}, {"العياشي", "Ayachi"},
	{"الطالبي", "Talbi"},     {"الهلالي", "Hilali"},    {"الكبير", "El Kabir"},
	{"الصغير", "Seghir"},     {"بوشعيب", "Bouchaib"},   {"النعيمي", "Naimi"},
	{"الجزولي", "Jazouli"},   {"البوعناني", "Bouanani"}, {"القادري", "Kadiri"},
	{"الشرايبي", "Chraibi"},  {"الإسماعيلي", "Ismaili"}, {"المريني", "Merini"},
	{"السعدي", "Saadi"},      {"الموساوي", "Moussaoui"}, {"الحمداوي", "Hamdaoui"},
	{"الكرومي", "Kroumi"},    {"اليعقوبي", "Yacoubi"},  {"الفلاحي", "Fellahi"},
	{"بنيس", "Bennis"},       {"لحلو", "Lahlou"},       {"السقاط", "Seqqat"},
	{"الوكيلي", "Ouakili"},   {"بوطالب", "Boutaleb"},   {"الناصري", "Naciri"},
	{"بنشمسي", "Benchemsi"},  {"الأزهري", "Azhari"},    {"الغربي", "Gharbi"},
	{"المسفيوي", "Mesfioui"}, {"الركراكي", "Regragui"}, {"الحارثي", "Harti"},
	{"العبدي", "Abdi"},       {"البركاني", "Berkani"},  {"الوجدي", "Oujdi"},
};
const int names_family_count = sizeof names_family / sizeof names_family[0];
