"""Contacts with customers: when, on which channel, how long they waited, and the note.

Notes are hand-written templates in each customer's language with slots for order and
product. The same topics exist in every language (row i of each language is the same
situation), so text analytics can be checked: Czech themes should match Swedish ones.
Templates are prose, one per line, hence the long lines.
"""
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Topic:
    """What a contact was about, who handles it and whether it concerns one order."""

    name: str
    department: str
    about_order: bool
    negative: bool
    outbound: bool = False


TOPICS: tuple[Topic, ...] = (
    Topic("delivery_late", "Customer Care", True, True),
    Topic("delivery_damaged", "Returns & Complaints", True, True),
    Topic("courier_notice", "Customer Care", True, False, outbound=True),
    Topic("praise_service", "Customer Care", False, False),
    Topic("praise_product", "Sales", True, False),
    Topic("invoice_question", "Customer Care", True, False),
    Topic("invoice_error", "Returns & Complaints", True, True),
    Topic("return_request", "Returns & Complaints", True, True),
    Topic("refund_status", "Returns & Complaints", True, True),
    Topic("product_question", "Sales", False, False),
    Topic("product_availability", "Sales", False, False),
    Topic("address_change", "Customer Care", True, False),
    Topic("complaint_wait", "Returns & Complaints", False, True),
    Topic("idea_suggestion", "Customer Care", False, False),
)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "cs": (
        "Stížnost na doručení: objednávka {order} měla dorazit před {days} dny, zákazník je velmi nespokojený. Urgováno u dopravce.",
        "Balík s objednávkou {order} dorazil poškozený, {product} má prasklý obal. Zákazník žádá výměnu, posíláme nový kus.",
        "Volali jsme předem kvůli doručení objednávky {order}; kurýr přijede zítra mezi 9. a 12. hodinou, zákazník potvrdil.",
        "Zákazník děkuje za rychlé vyřízení a ochotu při telefonátu, prý nejlepší zákaznická péče, jakou zažil.",
        "Pochvala: produkt {product} předčil očekávání, kvalita je skvělá. Zákazník plánuje objednat znovu.",
        "Dotaz k faktuře za objednávku {order}: zákazník potřebuje fakturu na firmu s DIČ. Zasláno e-mailem.",
        "Na faktuře k objednávce {order} je špatná částka, účtováno {amount} místo ceny v košíku. Zákazník je rozčilený, vystaven opravný doklad.",
        "Zákazník chce vrátit {product} z objednávky {order}, nesedí mu velikost. Poslán štítek pro vrácení zboží.",
        "Dotaz na vrácení peněz: zboží z objednávky {order} jsme převzali před {days} dny, peníze zatím nepřišly. Předáno účtárně.",
        "Dotaz k produktu {product}: zákazník se ptá na rozměry, materiál a záruku. Vysvětleno, poslán odkaz na návod.",
        "Zákazník se ptá, kdy bude {product} znovu skladem. Přislíbili jsme upozornění e-mailem.",
        "Změna doručovací adresy u objednávky {order}, zákazník se stěhuje. Adresa upravena před expedicí.",
        "Zákazník si stěžuje, že čekal na lince příliš dlouho a na e-mail mu nikdo neodpověděl. Omluvili jsme se.",
        "Návrh od zákazníka: chtěl by vyzvednutí na výdejním místě a sledování zásilky v aplikaci.",
    ),
    "sv": (
        "Klagomål på leveransen: order {order} skulle ha kommit för {days} dagar sedan, kunden är mycket missnöjd. Jagat transportören.",
        "Paketet med order {order} kom fram skadat, förpackningen till {product} hade spruckit. Kunden vill ha ett nytt exemplar, vi skickar ersättning.",
        "Vi ringde i förväg om leveransen av order {order}; budet kommer i morgon mellan 9 och 12, kunden bekräftade.",
        "Kunden tackar för snabb och vänlig hjälp i telefon – bästa kundtjänsten någonsin, enligt kunden.",
        "Beröm: {product} överträffade förväntningarna, kvaliteten är utmärkt. Kunden tänker beställa igen.",
        "Fråga om fakturan för order {order}: kunden behöver en faktura med företagets organisationsnummer. Skickad via e-post.",
        "Fel belopp på fakturan för order {order}, {amount} debiterades i stället för priset i kassan. Kunden är upprörd, kreditfaktura skapad.",
        "Kunden vill returnera {product} från order {order}, storleken passar inte. Returetikett skickad.",
        "Fråga om återbetalning: returen för order {order} togs emot för {days} dagar sedan men pengarna har inte kommit. Vidarebefordrat till ekonomi.",
        "Fråga om {product}: kunden undrar över mått, material och garanti. Förklarat och skickat länk till manualen.",
        "Kunden frågar när {product} finns i lager igen. Vi lovade att meddela via e-post.",
        "Ändrad leveransadress för order {order}, kunden flyttar. Adressen uppdaterad före utskick.",
        "Kunden klagar på lång väntetid i telefon och att ingen svarade på mejlet. Vi bad om ursäkt.",
        "Förslag från kunden: möjlighet att hämta paket hos ett ombud och följa leveransen i appen.",
    ),
    "lt": (
        "Pristatymas vėluoja: užsakymas {order} turėjo atvykti prieš {days} d., klientas labai nepatenkintas. Kreipėmės į kurjerį.",
        "Siunta su užsakymu {order} atkeliavo pažeista, prekės {product} pakuotė įplyšusi. Klientas prašo pakeisti prekę, siunčiame naują.",
        "Iš anksto paskambinome dėl užsakymo {order} pristatymo; kurjeris atvyks rytoj tarp 9 ir 12 val., klientas patvirtino.",
        "Klientas dėkoja už greitą ir malonią pagalbą telefonu, sako, kad tai geriausias klientų aptarnavimas.",
        "Pagyrimas: prekė {product} pranoko lūkesčius, kokybė puiki. Klientas ketina užsisakyti dar kartą.",
        "Klausimas dėl užsakymo {order} sąskaitos faktūros: reikia sąskaitos įmonei su PVM kodu. Išsiųsta el. paštu.",
        "Užsakymo {order} sąskaitoje neteisinga suma, nuskaityta {amount} vietoj krepšelio kainos. Klientas piktas, išrašyta kreditinė sąskaita.",
        "Klientas nori grąžinti prekę {product} iš užsakymo {order}, netinka dydis. Išsiųsta grąžinimo etiketė.",
        "Klausimas dėl pinigų grąžinimo: prekes iš užsakymo {order} gavome prieš {days} d., bet pinigai dar negrąžinti. Perduota buhalterijai.",
        "Klausimas apie prekę {product}: klientas teiraujasi apie matmenis, medžiagą ir garantiją. Paaiškinta, nusiųsta instrukcijos nuoroda.",
        "Klientas klausia, kada prekė {product} vėl bus sandėlyje. Pažadėjome pranešti el. paštu.",
        "Pakeistas užsakymo {order} pristatymo adresas, klientas kraustosi. Adresas atnaujintas prieš išsiuntimą.",
        "Klientas skundžiasi, kad ilgai laukė telefonu ir niekas neatsakė į jo laišką. Atsiprašėme.",
        "Kliento pasiūlymas: norėtų atsiimti siuntą paštomate ir sekti pristatymą programėlėje.",
    ),
    "pl": (
        "Dostawa opóźniona: zamówienie {order} miało dotrzeć {days} dni temu, klient jest bardzo niezadowolony. Zgłoszono do kuriera.",
        "Paczka z zamówieniem {order} dotarła uszkodzona, opakowanie produktu {product} jest pęknięte. Klient prosi o wymianę, wysyłamy nowy egzemplarz.",
        "Zadzwoniliśmy wcześniej w sprawie dostawy zamówienia {order}; kurier przyjedzie jutro między 9 a 12, klient potwierdził.",
        "Klient dziękuje za szybką i miłą pomoc przez telefon, mówi, że to najlepsza obsługa klienta, z jaką się spotkał.",
        "Pochwała: produkt {product} przerósł oczekiwania, jakość jest świetna. Klient planuje kolejne zamówienie.",
        "Pytanie o fakturę do zamówienia {order}: klient potrzebuje faktury na firmę z numerem NIP. Wysłano e-mailem.",
        "Na fakturze do zamówienia {order} jest błędna kwota, naliczono {amount} zamiast ceny z koszyka. Klient jest zdenerwowany, wystawiono korektę.",
        "Klient chce zwrócić produkt {product} z zamówienia {order}, rozmiar nie pasuje. Wysłano etykietę zwrotną.",
        "Pytanie o zwrot pieniędzy: towar z zamówienia {order} odebraliśmy {days} dni temu, a pieniądze jeszcze nie wróciły. Przekazano do księgowości.",
        "Pytanie o produkt {product}: klient pyta o wymiary, materiał i gwarancję. Wyjaśniono, wysłano link do instrukcji.",
        "Klient pyta, kiedy produkt {product} będzie znowu dostępny. Obiecaliśmy powiadomienie e-mailem.",
        "Zmiana adresu dostawy dla zamówienia {order}, klient się przeprowadza. Adres zaktualizowany przed wysyłką.",
        "Klient skarży się, że długo czekał na połączenie, a na jego e-mail nikt nie odpowiedział. Przeprosiliśmy.",
        "Sugestia klienta: chciałby odbierać paczki w paczkomacie i śledzić przesyłkę w aplikacji.",
    ),
    "ru": (
        "Жалоба на доставку: заказ {order} должен был прийти {days} дней назад, клиент очень недоволен. Запрос передан курьерской службе.",
        "Посылка с заказом {order} пришла повреждённой, у товара {product} треснула упаковка. Клиент просит замену, отправляем новый.",
        "Позвонили заранее по поводу доставки заказа {order}; курьер приедет завтра с 9 до 12, клиент подтвердил.",
        "Клиент благодарит за быструю и вежливую помощь по телефону, говорит, что это лучший сервис, который он встречал.",
        "Благодарность: товар {product} превзошёл ожидания, качество отличное. Клиент планирует заказать снова.",
        "Вопрос по счёту к заказу {order}: клиенту нужен счёт на компанию с реквизитами. Отправлено по электронной почте.",
        "В счёте к заказу {order} неверная сумма, списано {amount} вместо цены в корзине. Клиент возмущён, выставлен корректировочный счёт.",
        "Клиент хочет вернуть товар {product} из заказа {order}, не подошёл размер. Отправлена этикетка для возврата.",
        "Вопрос о возврате денег: товар из заказа {order} получен {days} дней назад, но деньги ещё не вернулись. Передано в бухгалтерию.",
        "Вопрос о товаре {product}: клиент спрашивает о размерах, материале и гарантии. Объяснили, отправили ссылку на инструкцию.",
        "Клиент спрашивает, когда товар {product} снова появится в наличии. Обещали уведомить по электронной почте.",
        "Изменён адрес доставки для заказа {order}, клиент переезжает. Адрес обновлён до отправки.",
        "Клиент жалуется, что долго ждал ответа на линии и никто не ответил на его письмо. Извинились.",
        "Предложение клиента: хотел бы забирать посылки в постамате и отслеживать доставку в приложении.",
    ),
    "en": (
        "Delivery complaint: order {order} was due {days} days ago and the customer is very unhappy. Chased the courier.",
        "Parcel for order {order} arrived damaged, the {product} box was split open. Customer wants a replacement; sending a new one.",
        "Called ahead about delivery of order {order}; the courier comes tomorrow between 9 and 12, customer confirmed.",
        "Customer thanked us for quick, friendly help on the phone and said it was the best customer service they have had.",
        "Praise: the {product} exceeded expectations, great quality. Customer plans to order again.",
        "Question about the invoice for order {order}: needs a company invoice with the VAT number. Sent by e-mail.",
        "Wrong amount on the invoice for order {order}: charged {amount} instead of the basket price. Customer is upset; credit note issued.",
        "Customer wants to return the {product} from order {order}, wrong size. Return label sent.",
        "Refund query: we received the return for order {order} {days} days ago but the money has not arrived. Passed to accounts.",
        "Question about the {product}: customer asks about dimensions, material and warranty. Explained and sent the manual link.",
        "Customer asks when the {product} will be back in stock. Promised an e-mail alert.",
        "Changed the delivery address for order {order}, customer is moving. Updated before dispatch.",
        "Customer complains about the long wait on the phone and that nobody answered their e-mail. We apologised.",
        "Suggestion from the customer: would like parcel locker pickup and live tracking in the app.",
    ),
}  # fmt: skip
LANGUAGES = tuple(TEMPLATES)


def format_amount(amount: float, language: str) -> str:
    """Write an amount the way the note's language does: `12,90 €` or `€12.90`."""
    if language == "en":
        return f"€{amount:.2f}"
    return f"{amount:.2f}".replace(".", ",") + " €"


def render(language: str, topic: int, *, order: str, product: str, days: int, amount: float) -> str:
    """Fill one template; `days` stays within 5–14 so every language's plural form is right."""
    return TEMPLATES[language][topic].format(
        order=order, product=product, days=days, amount=format_amount(amount, language)
    )


# channel, share of inbound contacts, waiting (median s, log-sd), duration (median s, log-sd)
CHANNELS: tuple[tuple[str, float, tuple[float, float], tuple[float, float]], ...] = (
    ("phone", 0.35, (50, 0.9), (240, 0.6)),
    ("email", 0.30, (4 * 3600, 0.9), (300, 0.5)),
    ("chat", 0.18, (40, 0.8), (480, 0.5)),
    ("visit", 0.07, (240, 0.7), (900, 0.5)),
    ("social", 0.10, (2 * 3600, 1.0), (180, 0.6)),
)
MAX_SECONDS = 7 * 24 * 3600
_ORDER_TOPICS = np.array([i for i, t in enumerate(TOPICS) if t.about_order])
_FREE_TOPICS = np.array([i for i, t in enumerate(TOPICS) if not t.about_order])


@dataclass(frozen=True)
class ContactPlan:
    """Simulated contacts as parallel arrays, sorted by time; `order` is -1 when none."""

    customer: NDArray[np.int64]
    day: NDArray[np.float64]
    topic: NDArray[np.int64]
    order: NDArray[np.int64]
    channel: NDArray[np.int64]
    waiting: NDArray[np.float64]
    duration: NDArray[np.float64]
    pick: NDArray[np.float64]
    returned: NDArray[np.bool_]


def plan(
    rng: np.random.Generator,
    order_customer: NDArray[np.int64],
    order_day: NDArray[np.float64],
    birth: NDArray[np.float64],
    dead: NDArray[np.bool_],
    horizon: int,
) -> ContactPlan:
    """Draw contacts: some about an order (more often around a churned customer's last
    order, and then more often negative), others spontaneous over the active lifetime."""
    o_cust, o_day, o_topic, o_order = _order_contacts(rng, order_customer, order_day, dead)
    f_cust, f_day, f_topic = _free_contacts(rng, order_customer, order_day, birth, horizon)
    customer = np.concatenate([o_cust, f_cust])
    day = np.floor(np.concatenate([o_day, f_day])) + rng.uniform(8 / 24, 20 / 24, len(customer))
    topic = np.concatenate([o_topic, f_topic])
    order = np.concatenate([o_order, np.full(len(f_cust), -1)])
    keep = np.flatnonzero(day < horizon)
    keep = keep[np.lexsort((customer[keep], day[keep]))]
    customer, day, topic, order = customer[keep], day[keep], topic[keep], order[keep]
    channel, waiting, duration = _timings(rng, topic)
    returns = order[(topic == _topic("return_request")) & (rng.random(len(topic)) < 0.6)]
    returned = np.zeros(len(order_day), dtype=bool)
    returned[returns] = True
    pick = rng.random((len(customer), 5))
    return ContactPlan(customer, day, topic, order, channel, waiting, duration, pick, returned)


def _topic(name: str) -> int:
    return next(i for i, t in enumerate(TOPICS) if t.name == name)


def _order_contacts(
    rng: np.random.Generator,
    customer: NDArray[np.int64],
    day: NDArray[np.float64],
    dead: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    last = np.zeros(len(customer), dtype=bool)
    _, from_end = np.unique(customer[::-1], return_index=True)
    last[len(customer) - 1 - from_end] = True
    unhappy = last & dead[customer]
    hit = np.flatnonzero(rng.random(len(customer)) < np.where(unhappy, 0.55, 0.18))
    weights = np.array([3.0 if TOPICS[t].negative else 1.0 for t in _ORDER_TOPICS])
    calm = rng.choice(_ORDER_TOPICS, len(hit), p=np.ones(len(weights)) / len(weights))
    upset = rng.choice(_ORDER_TOPICS, len(hit), p=weights / weights.sum())
    topic = np.where(unhappy[hit], upset, calm)
    delay = 1 + rng.exponential(4.0, len(hit))
    return customer[hit], day[hit] + delay, topic, hit


def _free_contacts(
    rng: np.random.Generator,
    order_customer: NDArray[np.int64],
    order_day: NDArray[np.float64],
    birth: NDArray[np.float64],
    horizon: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    last = birth.copy()
    np.maximum.at(last, order_customer, order_day)
    span = np.clip(np.minimum(last + 90, horizon) - birth, 1, None)
    count = rng.poisson(0.25 + 0.6 * span / 365)
    owner = np.repeat(np.arange(len(birth)), count)
    day = birth[owner] + rng.random(len(owner)) * span[owner]
    return owner, day, rng.choice(_FREE_TOPICS, len(owner))


def _timings(
    rng: np.random.Generator, topic: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Channel, waiting and handling time; waits are log-normal (phone: seconds to minutes,
    e-mail: hours), none for contacts we started."""
    shares = np.array([c[1] for c in CHANNELS])
    channel = rng.choice(len(CHANNELS), len(topic), p=shares / shares.sum())
    outbound = np.array([TOPICS[t].outbound for t in topic], dtype=bool)
    channel = np.where(outbound, 0, channel)
    wait_median, wait_sd = (np.array([c[2][k] for c in CHANNELS]) for k in (0, 1))
    work_median, work_sd = (np.array([c[3][k] for c in CHANNELS]) for k in (0, 1))
    waiting = rng.lognormal(np.log(wait_median[channel]), wait_sd[channel])
    duration = rng.lognormal(np.log(work_median[channel]), work_sd[channel])
    waiting = np.where(outbound, np.nan, np.minimum(waiting, MAX_SECONDS))
    return channel, waiting, np.minimum(duration, MAX_SECONDS)
