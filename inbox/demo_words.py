"""The demo's words: names and message bodies per culture, with each culture's phone prefix and language."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np

# "@" starts a culture: ISO 639-1 code, phone prefix (country code + first digits; ":N" when N digits
# follow, not 8: every number is valid for its country, tests/unit/test_demo.py checks it), weight %, "fl"
# (First Last) or "lf" (family name first, no space), then male / female first names / last names. A token
# is native[|feminine][=Latin[|Latin]] (Latin when not just the native name without accents); ~ is a space.
_NAMES = """
@en 4430 17 fl James Liam Noah William Lucas Henry Oliver Daniel / Olivia Emma Ava Sophia Mia Charlotte Amelia
Grace / Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Walker O'Brien Murphy
@es 346 11 fl José Martín Alejandro Iñigo Raúl Sebastián Andrés Joaquín / María Lucía Sofía Begoña Inés Ximena
Mónica Ángela / García Fernández González Rodríguez López Martínez Sánchez Pérez Núñez Muñoz Peña Ibáñez
@fr 3360:7 7 fl François Jérôme Théo Noël Benoît Raphaël Loïc Étienne / Élodie Hélène Gaëlle Léa Chloé Maëlle
Cécile Anaïs / Martin Bernard Dubois Durand Lefèvre Moreau Girard Mercier Béranger Ménard Lemaître Dupré
@de 4917 7 fl Jürgen Günther Jörg Björn Lukas Felix Jonas Matthias / Käthe Lena Anna Hannah Leonie Sophie
Gudrun Jördis / Müller Schmidt Schneider Fischer Weber Meyer Schröder Köhler Krüger Groß Weiß Schäfer
@pt 55119 7 fl João Gonçalo Thiago Caio Rafael Fábio Sérgio Antônio / Ana Luíza Beatriz Mariana Letícia
Vitória Júlia Cláudia / Silva Santos Oliveira Souza Gonçalves Simões Conceição Araújo Magalhães Pereira Costa
Brandão
@tr 9053 4 fl Mehmet Mustafa Ömer Ahmet Çağrı Hüseyin Barış İbrahim / Ayşe Emine Fatma Gülşen Zeynep Elif Özge
Şule / Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Özdemir Doğan Kılıç Güneş
@no 4721:6 3 fl Søren Bjørn Ørjan Håkon Kåre Jørgen Eirik Øystein / Åse Sigrid Ingrid Solveig Astrid Ragnhild
Liv Tuva / Hansen Johansen Olsen Larsen Pedersen Nilsen Berg Haugen Ødegaard Sørensen Strøm Løken
@pl 485 5 fl Łukasz Wojciech Paweł Michał Krzysztof Grzegorz Tomasz Jakub / Małgorzata Zofia Agnieszka
Katarzyna Joanna Ewa Jadwiga Dorota / Nowak Kowalski|Kowalska Wiśniewski|Wiśniewska Wójcik Kowalczyk Woźniak
Mazur Król
@zh 86138 8 lf 伟=Wei 强=Qiang 磊=Lei 军=Jun 杰=Jie 涛=Tao 明=Ming 浩然=Haoran / 芳=Fang 娜=Na 秀英=Xiuying
敏=Min 静=Jing 丽=Li 婷=Ting 雨桐=Yutong / 王=Wang 李=Li 张=Zhang 刘=Liu 陈=Chen 杨=Yang 黄=Huang 赵=Zhao
吴=Wu 周=Zhou
@ja 8180 5 lf 陽翔=Haruto 蓮=Ren 湊=Minato 翔太=Shota 健太=Kenta 拓海=Takumi 直樹=Naoki 大輔=Daisuke /
結衣=Yui 陽葵=Himari さくら=Sakura 美咲=Misaki 葵=Aoi 優子=Yuko 由美=Yumi 恵=Megumi / 佐藤=Sato 鈴木=Suzuki
高橋=Takahashi 田中=Tanaka 伊藤=Ito 渡辺=Watanabe 山本=Yamamoto
@ko 82102:7 4 lf 민준=Minjun 서준=Seojun 도윤=Doyun 예준=Yejun 시우=Siwoo 하준=Hajun 지호=Jiho 현우=Hyunwoo /
서연=Seoyeon 서윤=Seoyun 지우=Jiwoo 하은=Haeun 민서=Minseo 지민=Jimin 유나=Yuna / 김=Kim 이=Lee 박=Park
최=Choi 정=Jung 강=Kang 조=Cho 윤=Yoon
@ar 2010 6 fl محمد=Mohammed أحمد=Ahmed علي=Ali عمر=Omar يوسف=Youssef خالد=Khaled حسن=Hassan كريم=Karim /
فاطمة=Fatima مريم=Maryam نور=Nour سارة=Sara ليلى=Layla زينب=Zainab هدى=Huda سلمى=Salma / العلي=Al-Ali
حداد=Haddad المصري=El-Masry عبدالله=Abdullah منصور=Mansour خليل=Khalil نصار=Nassar الشريف=El-Sherif
عثمان=Osman ناصر=Nasser
@ru 791 6 fl Иван=Ivan Дмитрий=Dmitry Сергей=Sergey Алексей=Alexey Андрей=Andrey Михаил=Mikhail Павел=Pavel
Артём=Artyom / Ольга=Olga Анна=Anna Екатерина=Ekaterina Мария=Maria Наталья=Natalya Татьяна=Tatyana
Елена=Elena Юлия=Yulia / Иванов|Иванова=Ivanov|Ivanova Смирнов|Смирнова=Smirnov|Smirnova
Попов|Попова=Popov|Popova Петров|Петрова=Petrov|Petrova Соколов|Соколова=Sokolov|Sokolova
Волков|Волкова=Volkov|Volkova Черных=Chernykh
@el 3069 3 fl Γιώργος=Giorgos Δημήτρης=Dimitris Νίκος=Nikos Κώστας=Kostas Γιάννης=Giannis Χρήστος=Christos /
Μαρία=Maria Ελένη=Eleni Σοφία=Sofia Γεωργία=Georgia Δέσποινα=Despoina Ιωάννα=Ioanna / Νικολάου=Nikolaou
Γεωργίου=Georgiou Οικονόμου=Oikonomou Δημητρίου=Dimitriou Ιωάννου=Ioannou Αντωνίου=Antoniou
Κωνσταντίνου=Konstantinou
@hi 9198 5 fl राहुल=Rahul अमित=Amit विकास=Vikas अर्जुन=Arjun रोहन=Rohan संजय=Sanjay आदित्य=Aditya विजय=Vijay /
प्रिया=Priya अनीता=Anita पूजा=Pooja नेहा=Neha सुनीता=Sunita दीपिका=Deepika कविता=Kavita आरती=Aarti /
शर्मा=Sharma वर्मा=Verma गुप्ता=Gupta सिंह=Singh कुमार=Kumar पटेल=Patel मेहता=Mehta जोशी=Joshi अग्रवाल=Agarwal
यादव=Yadav
"""
# "@lang" then first customer messages / later customer messages / agent replies, " | " between sentences.
# Other languages use English.
_BODIES = """
@en Hi, my order hasn't arrived yet. Can you check where it is? | I was charged twice this month, please
refund one payment. | How do I change the email address on my account? / Thanks, that solved it! | It still
doesn't work, any news? / Thanks for reaching out! Could you send me your order number? | Sorry for the
trouble, I've refunded the duplicate charge. | I've passed this to our technical team and will get back to you
soon.
@es Hola, mi pedido todavía no ha llegado. ¿Podéis revisarlo? | Me habéis cobrado dos veces este mes. /
¡Gracias, ya funciona! / ¡Gracias por escribirnos! ¿Me indicas tu número de pedido? | Ya hemos reembolsado el
cargo doble.
@fr Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous vérifier ? | J'ai été débité deux fois ce
mois-ci. / Merci, ça fonctionne maintenant ! / Quel est votre numéro de commande ? | Le double prélèvement a
été remboursé.
@de Hallo, meine Bestellung ist noch nicht angekommen. Können Sie nachsehen? | Mir wurde doppelt abgebucht. /
Danke, jetzt funktioniert es! / Wie lautet Ihre Bestellnummer? | Die doppelte Abbuchung wurde erstattet.
@pt Olá, o meu pedido ainda não chegou. Podem verificar? | Fui cobrado duas vezes este mês. / Obrigado, já
está funcionando! / Obrigado pelo contato! Qual é o número do pedido? | A cobrança duplicada foi estornada.
@ru Здравствуйте, мой заказ до сих пор не пришёл. Можете проверить? | С меня дважды списали оплату. / Спасибо,
теперь всё работает! / Спасибо за обращение! Пришлите, пожалуйста, номер заказа. | Двойное списание
возвращено.
@zh 你好，我的订单还没有到，能帮我查一下吗？ | 这个月我被扣了两次款。 / 谢谢，已经好了！ /
感谢您的联系！请提供一下订单号。 | 重复扣款已退回。
@ja 注文した商品がまだ届いていません。確認していただけますか？ | 今月二重に請求されています。 /
ありがとうございます、解決しました！ / お問い合わせありがとうございます。注文番号を教えていただけますか？ |
重複した請求は返金済みです。
@ar مرحباً، طلبي لم يصل بعد. هل يمكنكم التحقق؟ | تم خصم المبلغ مرتين هذا الشهر. / شكراً، تم حل المشكلة! /
شكراً لتواصلك معنا! هل يمكنك إرسال رقم الطلب؟ | نعتذر عن الإزعاج، تم استرداد المبلغ.
"""
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ł": "l", "Ł": "L", "ß": "ss", "ı": "i"})
_PARTS = re.compile(r"\s/\s")


def _token(token: str) -> tuple[str, str, str, str]:
    """'native[|feminine][=Latin[|Latin]]' -> (masculine, feminine, and their lower-case a-z aliases)."""
    native, _, latin = token.replace("~", " ").partition("=")
    masc, _, fem = native.partition("|")
    l_masc, _, l_fem = (latin or native).partition("|")
    ascii_ = [
        "".join(c for c in unicodedata.normalize("NFKD", name.translate(_FOLD)).lower() if "a" <= c <= "z")
        for name in (l_masc, l_fem or l_masc)
    ]  # 'Jürgen' -> 'jurgen', "O'Brien" -> 'obrien'
    return masc, fem or masc, ascii_[0], ascii_[1]


def _vocabulary() -> dict[str, Any]:
    """The word lists, flat, with an (offset, count) span per culture and gender (names) or message kind."""
    v: dict[str, Any] = {
        k: []
        for k in (
            "lang",
            "prefix",
            "width",
            "weight",
            "family_first",
            "first",
            "first_ascii",
            "f_span",
            "last",
            "last_f",
            "last_ascii",
            "last_ascii_f",
            "l_span",
            "bodies",
            "b_span",
        )
    }
    for entry in _NAMES.split("@")[1:]:
        lang, prefix, weight, order, rest = entry.split(maxsplit=4)
        prefix, _, width = prefix.partition(":")
        for key, value in zip(
            ("lang", "prefix", "width", "weight", "family_first"),
            (lang, prefix, int(width or 8), float(weight), order),
            strict=True,
        ):
            v[key].append(value)
        *firsts, lasts = (list(zip(*map(_token, part.split()), strict=True)) for part in _PARTS.split(rest))
        for masc, _, ascii_, _ in firsts:
            v["f_span"].append((len(v["first"]), len(masc)))
            v["first"] += masc
            v["first_ascii"] += ascii_
        v["l_span"].append((len(v["last"]), len(lasts[0])))
        for key, names in zip(("last", "last_f", "last_ascii", "last_ascii_f"), lasts, strict=True):
            v[key] += names
    v["last"] += v.pop("last_f")  # the feminine forms follow the masculine ones, in the same order
    v["last_ascii"] += v.pop("last_ascii_f")
    spans: dict[str, list[tuple[int, int]]] = {}
    for entry in _BODIES.split("@")[1:]:
        lang, rest = entry.split(maxsplit=1)
        for part in _PARTS.split(rest):
            sentences = [" ".join(s.split()) for s in re.split(r"\s\|\s", part)]
            spans.setdefault(lang, []).append((len(v["bodies"]), len(sentences)))
            v["bodies"] += sentences
    v["b_span"] = [span for lang in v["lang"] for span in spans.get(lang, spans["en"])]
    v.update({key: np.array(v[key]) for key in ("f_span", "l_span", "b_span", "weight")})
    v["weight"] /= v["weight"].sum()
    v["family_first"] = np.array(v["family_first"]) == "lf"
    return v


_V = _vocabulary()
_TAGS = [
    {
        t.split("-")[0]: t
        for t in "en-GB es-ES fr-FR de-DE pt-BR tr-TR no-NO pl-PL zh-Hans-CN ja-JP ko-KR ar-EG"
        " ru-RU el-GR hi-IN".split()
    }[lang]
    for lang in _V["lang"]
]  # 30% of contacts: with their phone's region
