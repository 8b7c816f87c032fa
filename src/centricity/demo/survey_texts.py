"""What the demo's customers write in survey comments, in their own languages: unhappy,
lukewarm and happy remarks about delivery, support, price and the product."""

from __future__ import annotations

UNHAPPY = {
    "en": [
        "The courier never called before coming and I missed the delivery.",
        "I had to chase you three times for an answer.",
        "Nobody picked up the phone for twenty minutes.",
        "The refund still has not arrived after two weeks.",
        "The parcel came damaged and nobody apologised.",
    ],
    "cs": [
        "Kurýr nezavolal předem a zásilku jsem nezastihl.",
        "Na odpověď jsem musel třikrát urgovat.",
        "Dvacet minut nikdo nebral telefon.",
        "Peníze za vrácené zboží stále nepřišly.",
        "Balík dorazil poškozený a nikdo se neomluvil.",
    ],
    "sv": [
        "Budet ringde aldrig innan och jag missade leveransen.",
        "Jag fick jaga er tre gånger för att få svar.",
        "Ingen svarade i telefon på tjugo minuter.",
        "Återbetalningen har fortfarande inte kommit.",
        "Paketet kom skadat och ingen bad om ursäkt.",
    ],
    "lt": [
        "Kurjeris nepaskambino iš anksto ir siuntinio negavau.",
        "Atsakymo teko prašyti tris kartus.",
        "Dvidešimt minučių niekas nekėlė ragelio.",
        "Pinigai už grąžintą prekę vis dar negrąžinti.",
        "Siuntinys atkeliavo sugadintas, niekas neatsiprašė.",
    ],
    "pl": [
        "Kurier nie zadzwonił przed przyjazdem i przegapiłem dostawę.",
        "Musiałem trzy razy upominać się o odpowiedź.",
        "Przez dwadzieścia minut nikt nie odbierał telefonu.",
        "Zwrot pieniędzy wciąż nie dotarł.",
        "Paczka przyszła uszkodzona i nikt nie przeprosił.",
    ],
    "ru": [
        "Курьер не позвонил заранее, и я пропустил доставку.",
        "Пришлось три раза напоминать, чтобы получить ответ.",
        "Двадцать минут никто не брал трубку.",
        "Деньги за возврат до сих пор не пришли.",
        "Посылка пришла повреждённой, и никто не извинился.",
    ],
}
LUKEWARM = {
    "en": ["It was fine, but it took a while.", "Okay in the end."],
    "cs": ["Nakonec dobré, ale trvalo to.", "Celkem v pořádku."],
    "sv": ["Det blev bra till slut, men det tog tid.", "Helt okej."],
    "lt": ["Galiausiai gerai, bet užtruko.", "Visai neblogai."],
    "pl": ["W końcu dobrze, ale trwało to długo.", "W porządku."],
    "ru": ["В итоге нормально, но долго.", "В целом неплохо."],
}
HAPPY = {
    "en": [
        "Quick, friendly and solved on the first call.",
        "The agent knew my whole history, no need to repeat anything.",
        "Delivery came exactly when promised.",
    ],
    "cs": [
        "Rychlé, příjemné a vyřešené hned napoprvé.",
        "Operátorka znala celou moji historii, nic jsem nemusel opakovat.",
        "Doručení přišlo přesně, jak slíbili.",
    ],
    "sv": [
        "Snabbt, vänligt och löst på första samtalet.",
        "Handläggaren kände till hela min historik.",
        "Leveransen kom precis när ni lovat.",
    ],
    "lt": [
        "Greitai, maloniai ir išspręsta iš pirmo karto.",
        "Konsultantė žinojo visą mano istoriją.",
        "Pristatė tiksliai, kaip žadėjo.",
    ],
    "pl": [
        "Szybko, miło i załatwione od razu.",
        "Konsultantka znała całą moją historię, nie musiałem nic powtarzać.",
        "Dostawa przyszła dokładnie wtedy, kiedy obiecano.",
    ],
    "ru": [
        "Быстро, вежливо и решили с первого звонка.",
        "Оператор знал всю мою историю, ничего не пришлось повторять.",
        "Доставили точно в обещанное время.",
    ],
}
