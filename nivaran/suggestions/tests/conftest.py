from __future__ import annotations

import pytest

from nivaran.catalog.models import Category
from nivaran.suggestions.models import SuggestionModel
from nivaran.suggestions.selectors import serving_cache_clear
from nivaran.suggestions.services import suggestion_model_train
from nivaran.testing.world import World

# Each type's grievances in Hindi, English and Hinglish, as citizens write them.
TEXTS = {
    "REV-LAND-MUT": [
        "पिता जी की मृत्यु के बाद जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ, पटवारी टाल रहा है।",
        "The mutation of my land is still not entered in the records after four months.",
        "Mera intkal 5 mahine se pending hai, tehsil mein koi sunwai nahi.",
        "विरासत का इंतकाल तहसील में लंबित है, कई बार चक्कर लगा चुका हूं।",
    ],
    "REV-FLOOD": [
        "बाढ़ में मेरा मकान गिर गया, राहत राशि अब तक नहीं मिली।",
        "My house collapsed in the flood and the relief amount is not paid.",
        "Baadh mein fasal aur ghar ka nuksan hua, muavza nahi mila.",
        "बाढ़ से हुए नुकसान का मुआवजा तीन महीने से रुका है।",
    ],
    "PWR-SUP": [
        "गांव में कल शाम से बिजली नहीं है, लाइनमैन नहीं आया।",
        "No electricity in our street since last night, the complaint line is off.",
        "Hamare mohalle mein 18 ghante se light nahi hai, bijli kab aayegi.",
        "बिजली की आपूर्ति दो दिन से बंद है, ट्रांसफार्मर की शिकायत की थी।",
    ],
    "REV-OTH": [
        "तहसील के कर्मचारी नकल देने के लिए पैसे मांग रहे हैं।",
        "The lambardar of our village has not been appointed for two years.",
    ],
}
# More types with only their names, so that a model knows more than five.
EXTRA_TYPES = [
    ("REV-JAM", "Error in jamabandi", "जमाबंदी में त्रुटि"),
    ("REV-DMR", "Demarcation not done", "निशानदेही नहीं हुई"),
    ("REV-CERT", "Residence certificate delayed", "निवास प्रमाण पत्र में देरी"),
    ("REV-DEED", "Registry of sale deed stuck", "रजिस्ट्री अटकी"),
    ("PWR-BILL", "Wrong electricity bill", "बिजली का गलत बिल"),
    ("PWR-MTR", "Faulty electricity meter", "खराब बिजली मीटर"),
]


def lodge_texts(world: World) -> None:
    mobile = 9700000000
    for code, texts in TEXTS.items():
        category = Category.objects.get(code=code)
        for text in texts:
            mobile += 1
            world.register(category=category, description=text, mobile=str(mobile))


def add_extra_types(world: World) -> None:
    for code, name, name_hi in EXTRA_TYPES:
        department = world.other_department if code.startswith("PWR") else world.department
        Category.objects.create(department=department, code=code, name=name, name_hi=name_hi)


@pytest.fixture(autouse=True)
def _no_loaded_model():
    serving_cache_clear()
    yield
    serving_cache_clear()


@pytest.fixture
def trained(world: World) -> SuggestionModel:
    add_extra_types(world)
    lodge_texts(world)
    return suggestion_model_train()
