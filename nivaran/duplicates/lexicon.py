"""The grievance vocabulary that means one thing in English, Hindi and Hinglish.

Each group is one concept: its first word names it, the others are how complaints write
it (English words, Hinglish spellings, Devanagari). Spellings are folded by
`normalise.phonetic`, so one Hinglish spelling ("paani") covers its variants ("pani",
"panee") and the Devanagari word ("पानी"). Extend a group rather than add a spelling
variant; add a group for a new topic. See docs/duplicates.md for what this can and
cannot catch.
"""

GROUPS: tuple[str, ...] = (
    # utilities
    "water paani jal neer पानी जल नीर",
    "drinking peene pine पीने पीने_का",
    "supply come coming came comes arrive aapurti aana aata aati आपूर्ति सप्लाई supplai",
    "electricity power current bijli bijlee light बिजली करंट लाइट",
    "transformer transformar trans ट्रांसफार्मर ट्रांसफॉर्मर",
    "burnt burned jal_gaya phunk phuk fuk fused जला जल_गया फुंक फुक",
    "bill bil बिल",
    "meter mitar मीटर",
    "excess inflated wrong galat jyada zyada adhik zyaada ज्यादा ज़्यादा गलत अधिक बढ़ा",
    "pipe pipeline line पाइप पाइपलाइन लाइन",
    "leak leaking leakage toot tuti tooti phati fati broken damaged टूटी टूट फटी लीक",
    "dirty muddy smell smells stink badbu बदबू contaminated polluted ganda gandi gandaa "
    "ganda_paani मटमैला गंदा गंदी दूषित",
    "handpump हैंडपंप",
    "tap taps nal nalka नल नलका",
    "tanker टैंकर",
    "streetlight street_light streetlights street_lights स्ट्रीटलाइट स्ट्रीट_लाइट",
    "pole khamba खंभा",
    # roads and sanitation
    "road sadak sarak rasta raasta सड़क सडक रोड रास्ता",
    "pothole potholes gadda gadde gaddhe gaddon गड्ढे गड्ढा गड्ढों",
    "main mukhya मुख्य",
    "highway rajmarg राजमार्ग",
    "rain rains baarish barish varsha बारिश वर्षा",
    "street lane gali गली",
    "drain naali nali nala sewer sewage गंदा_नाला नाली नाला सीवर",
    "blocked choked jam band bandh overflowing overflow ruki ruka rukawat चोक जाम बंद रुकी",
    "garbage kachre kachre kachra kooda kuda waste rubbish कचरा कूड़ा कूडा",
    "toilet shauchalay sauchalay शौचालय",
    "waterlogging jalbharav jalbhrav जलभराव",
    "cleaning safai saaf सफाई साफ",
    "collected collect lifted lift lifts uthaya uthana उठाया उठाना",
    "heap heaps pile piles piling dher ढेर",
    "flowing flows flow beh bah bahta बह बहता",
    "ill sick illness bimar beemar बीमार",
    # welfare
    "pension पेंशन penshan",
    "oldage old_age vridha vriddha budhapa बुढ़ापा वृद्धावस्था वृद्धा",
    "widow vidhva vidhwa विधवा",
    "ration राशन rashan",
    "card kard कार्ड",
    "name naam नाम",
    "removed remove deleted cancelled cut kaat kat काट काटा हटा",
    "reason karan wajah vajah कारण वजह",
    "without bina बिना",
    "received receive got given credited credit mili mila milna मिली मिला मिलना",
    "depot dealer dukan shop डिपो डीलर दुकान",
    "wheat gehu gehun गेहूं गेहूँ",
    "scholarship chhatravritti vazifa छात्रवृत्ति",
    "house awas makan ghar आवास मकान घर",
    "installment kisht किस्त",
    "second dusri doosri dusra दूसरी दूसरा",
    "scheme yojana योजना",
    "released release jari issued जारी",
    "dark andhera अंधेरा",
    "night raat रात",
    "gas cylinder सिलेंडर गैस",
    # revenue and land
    "land jameen zameen bhumi jamin ज़मीन जमीन भूमि",
    "mutation intkal inteqal dakhil_kharij दाखिल_खारिज इंतकाल म्यूटेशन",
    "record fard jamabandi girdawari रिकॉर्ड फर्द जमाबंदी",
    "encroachment kabza qabza kabja कब्जा कब्ज़ा अतिक्रमण",
    "boundary demarcation nishandehi paimaish सीमा निशानदेही पैमाइश",
    "certificate praman_patra praman प्रमाण प्रमाणपत्र सर्टिफिकेट",
    "caste jaati jati जाति",
    "income",
    "crop fasal फसल फसलों",
    "compensation muavza muaavja muavja claim मुआवजा मुआवज़ा",
    "insurance bima बीमा",
    "flood baadh badh बाढ़",
    # time and state
    "pending lambit atka atki latka लंबित अटका अटकी",
    "stopped rok ruk nahi_mili not_received band_ho बंद_हो रुक",
    "money paise paisa rupees rupaye bribe rishvat riswat पैसे रुपये रिश्वत",
    "salary wage wages vetan mazdoori majduri मजदूरी वेतन",
    "school vidyalay skool स्कूल विद्यालय",
    "government sarkari सरकारी",
    "daughter beti बेटी",
    "son beta बेटा",
    "teacher adhyapak shikshak masterji अध्यापक शिक्षक",
    "hospital aspatal haspatal अस्पताल",
    "doctor daktar डॉक्टर डाक्टर",
    "medicine dawai dawa davai दवाई दवा",
    "village gaon gaanv gav ganv गांव गाँव ग्राम gram",
    "colony mohalla mohalle basti मोहल्ला मोहल्ले बस्ती कॉलोनी",
    "repair marammat thik theek ठीक मरम्मत",
    "no nahi nahin nhi not never koi कोई नहीं",
)

# Words every complaint uses, which tell two complaints apart by nothing.
STOPWORD_FORMS = (
    "a an the of to in on at for from by with and or is are was were be been has have had "
    "i my me we our us it its this that there their they he she his her you your please "
    "kindly sir madam since still yet also very any some all due about regarding request "
    "complaint problem issue matter action help resolve soon urgent earliest officials "
    "office officer department applied application many times several repeated despite "
    "है हैं था थी थे हो रहा रही रहे कि का के की को से में पर और भी तो ही यह वह इस उस हम "
    "मेरा मेरी मेरे हमारा हमारी हमारे आप कृपया शिकायत समस्या मामला कार्रवाई करें करे किया "
    "कर दिया दी गया गई गए जल्द शीघ्र तुरंत धन्यवाद अब तक लेकिन पर पास बार कई "
    "hai hain tha thi the ho raha rahi rahe ki ka ke ko se mein me par aur bhi to hi yeh ye "
    "vah wo is us hum mera meri mere hamara hamari hamare aap kripya shikayat samasya "
    "karein kare kiya kar diya di gaya gayi gaye jaldi turant dhanyavad ab tak lekin pass "
    "baar kai being getting people log लोग most does under onto front near lie big make am up "
    "avedan आवेदन hafton हफ्तों hua hui huye hue हुआ हुई हुए ago pehle पहले "
    # durations: two reports of one problem rarely give the same one
    "one two three four five six seven eight nine ten a_few few last past over more than "
    "ek do teen char paanch chhah saat aath nau das एक दो तीन चार पांच छह सात आठ नौ दस "
    "day days week weeks fortnight month months year years din hafte hafta mahine mahina "
    "mahino saal varsh दिन हफ्ते हफ़्ते सप्ताह महीने महीना महीनों साल वर्ष"
)
