"""Source texts of the labelled duplicate set: complaint topics, each written four ways.

Each topic is one problem, as four callers would put it: English, English in other
words, Hindi (Devanagari) and Hinglish. Two topics share each category, so that a
same-village, same-category pair can be about different problems (a hard negative).
`{v}` is the village (Latin), `{vh}` the same village in Devanagari.
"""

VILLAGES = (
    ("Rampur", "रामपुर"),
    ("Khedi", "खेड़ी"),
    ("Sultanpur", "सुल्तानपुर"),
    ("Badli", "बादली"),
    ("Dhanauri", "धनौरी"),
    ("Kalanaur", "कलानौर"),
    ("Mandi", "मंडी"),
    ("Jatola", "जटोला"),
)

NAMES = (
    ("Sunita Devi", "सुनीता देवी"),
    ("Ramesh Kumar", "रमेश कुमार"),
    ("Surendra Singh", "सुरेंद्र सिंह"),
    ("Kamlesh Yadav", "कमलेश यादव"),
    ("Geeta Rani", "गीता रानी"),
    ("Mahesh Sharma", "महेश शर्मा"),
    ("Pooja Saini", "पूजा सैनी"),
    ("Rajesh Verma", "राजेश वर्मा"),
    ("Anita Kaushik", "अनीता कौशिक"),
    ("Balwan Malik", "बलवान मलिक"),
    ("Savita Jangra", "सविता जांगड़ा"),
    ("Naresh Gupta", "नरेश गुप्ता"),
    ("Manju Chauhan", "मंजू चौहान"),
    ("Vijay Dahiya", "विजय दहिया"),
    ("Neelam Bansal", "नीलम बंसल"),
    ("Deepak Hooda", "दीपक हुड्डा"),
)

# category -> topics; each topic: (English, English paraphrase, Hindi, Hinglish)
TOPICS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "water": (
        (
            "There has been no drinking water supply in {v} village for three weeks.",
            "Our village {v} is getting no water in the taps, the supply stopped weeks ago.",
            "{vh} गांव में तीन हफ्ते से पीने के पानी की सप्लाई नहीं आ रही है।",
            "{v} gaon me teen hafte se peene ka paani nahi aa raha hai.",
        ),
        (
            "The water coming in the taps of {v} is dirty and smells, people are falling ill.",
            "Contaminated, muddy water is being supplied in {v}; children got sick.",
            "{vh} में नल में गंदा पानी आ रहा है, बदबू आती है, लोग बीमार हो रहे हैं।",
            "{v} me nal me ganda paani aa raha hai, log bimar ho rahe hain.",
        ),
    ),
    "power": (
        (
            "The transformer of {v} burnt five days ago and there is no electricity.",
            "No power in {v} since the transformer got burned last week.",
            "{vh} का ट्रांसफार्मर पांच दिन पहले जल गया, तब से बिजली नहीं है।",
            "{v} ka transformer jal gaya hai, paanch din se bijli nahi hai.",
        ),
        (
            "My electricity bill is far too high, the meter shows wrong reading in {v}.",
            "I received an inflated power bill; the meter at my house in {v} is faulty.",
            "मेरा बिजली का बिल बहुत ज्यादा आया है, {vh} में मीटर गलत रीडिंग दिखा रहा है।",
            "Mera bijli ka bill bahut zyada aaya hai, {v} me meter galat reading dikha raha hai.",
        ),
    ),
    "road": (
        (
            "The road from {v} to the main highway is full of potholes.",
            "Big potholes on the {v} road make it impossible to drive.",
            "{vh} से मुख्य सड़क तक का रास्ता गड्ढों से भरा है।",
            "{v} se highway tak sadak me bahut gadde hain.",
        ),
        (
            "Rain water has collected on the main street of {v}, waterlogging for weeks.",
            "Waterlogging on the {v} street, the road is under water since the rains.",
            "{vh} की मुख्य गली में बारिश का पानी भरा है, जलभराव से लोग परेशान हैं।",
            "{v} ki gali me baarish ka paani bhara hai, jalbharav ho gaya hai.",
        ),
    ),
    "drain": (
        (
            "The drain in {v} is blocked and sewage is overflowing onto the street.",
            "Choked sewer line in {v}, dirty water flows in front of houses.",
            "{vh} में नाली जाम है और गंदा पानी गली में बह रहा है।",
            "{v} me naali band hai, ganda paani gali me beh raha hai.",
        ),
        (
            "Garbage has not been collected in {v} for two weeks, it is piling up.",
            "Nobody lifts the waste in {v}; heaps of garbage lie near the school.",
            "{vh} में दो हफ्ते से कूड़ा नहीं उठाया गया, कचरे के ढेर लगे हैं।",
            "{v} me do hafte se kachra nahi uthaya gaya, dher lag gaye hain.",
        ),
    ),
    "pension": (
        (
            "My old age pension has not been received for four months.",
            "I have not got my old-age pension since four months, please restart it.",
            "मेरी बुढ़ापा पेंशन चार महीने से नहीं मिली है।",
            "Meri budhapa pension chaar mahine se nahi mili hai.",
        ),
        (
            "My widow pension application is pending at the office for a year.",
            "Applied for widow pension a year ago, it is still pending.",
            "विधवा पेंशन का मेरा आवेदन एक साल से लंबित है।",
            "Vidhva pension ka avedan ek saal se pending hai.",
        ),
    ),
    "ration": (
        (
            "The ration depot in {v} has not given wheat on my card for two months.",
            "I am not getting wheat from the {v} ration shop, dealer refuses.",
            "{vh} के राशन डिपो से दो महीने से मेरे कार्ड पर गेहूं नहीं मिला।",
            "{v} ke ration depot se do mahine se gehu nahi mila.",
        ),
        (
            "My name was removed from the ration card without reason.",
            "The ration card of my family was cancelled and my name deleted.",
            "मेरा नाम बिना कारण राशन कार्ड से काट दिया गया।",
            "Mera naam bina wajah ration card se kaat diya gaya.",
        ),
    ),
    "land": (
        (
            "The mutation of my land in {v} has been pending at the tehsil for six months.",
            "My land's mutation (intkal) in {v} is still not entered after six months.",
            "{vh} में मेरी जमीन का इंतकाल छह महीने से तहसील में लंबित है।",
            "{v} me meri zameen ka intkal chhah mahine se pending hai.",
        ),
        (
            "A neighbour has encroached on my land in {v} and built a wall.",
            "Illegal kabza on my field in {v}: a wall was raised on my land.",
            "{vh} में पड़ोसी ने मेरी जमीन पर कब्जा करके दीवार बना ली है।",
            "{v} me padosi ne meri zameen par kabza kar liya hai.",
        ),
    ),
    "school": (
        (
            "The teacher of the government school in {v} does not come for weeks.",
            "In {v} government school the teacher is absent most days.",
            "{vh} के सरकारी स्कूल का अध्यापक कई हफ्तों से नहीं आ रहा।",
            "{v} ke sarkari school ka teacher hafton se nahi aa raha.",
        ),
        (
            "My daughter's scholarship has not been credited for this year.",
            "The scholarship of my daughter is not received this year.",
            "मेरी बेटी की छात्रवृत्ति इस साल नहीं आई है।",
            "Meri beti ki scholarship is saal nahi aayi.",
        ),
    ),
    "health": (
        (
            "There is no doctor at the health centre in {v}.",
            "The {v} hospital has no doctor posted, patients go back.",
            "{vh} के स्वास्थ्य केंद्र में कोई डॉक्टर नहीं है।",
            "{v} ke hospital me koi doctor nahi hai.",
        ),
        (
            "Medicines are not available at the {v} dispensary.",
            "The {v} dispensary has run out of medicine, we buy outside.",
            "{vh} की डिस्पेंसरी में दवाई नहीं मिल रही।",
            "{v} ki dispensary me dawai nahi mil rahi.",
        ),
    ),
    "civic": (
        (
            "The second installment of my house under the awas scheme is not released.",
            "My awas yojana house's second kisht has not come yet.",
            "आवास योजना में मेरे मकान की दूसरी किस्त जारी नहीं हुई।",
            "Awas yojana me mere makan ki doosri kisht nahi aayi.",
        ),
        (
            "The street lights of {v} have not worked for a month.",
            "All streetlights in {v} are off since a month, it is dark at night.",
            "{vh} की स्ट्रीट लाइट एक महीने से बंद हैं।",
            "{v} ki street light ek mahine se band hai.",
        ),
    ),
}
