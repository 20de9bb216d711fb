"""Building blocks of customer requests. The wording of each key really differs, as in life."""

from __future__ import annotations

#: key -> (label, share of all requests)
KEYS = {
    "KB-BIEG": ("Kalkulation Biegeteil", 0.32),
    "KB-STANZ": ("Kalkulation Stanzteil", 0.24),
    "KB-TIEF": ("Kalkulation Tiefziehteil", 0.14),
    "KB-BAUGR": ("Kalkulation Schweißbaugruppe", 0.16),
    "NB-SERIE": ("Nachbestellung Serienteil", 0.14),
}

SUBJECTS = {
    "KB-BIEG": ("Anfrage Kantteile", "Preisanfrage Biegeteil {material}", "Angebot Winkel",
                "Anfrage gekantete Bleche", "Biegeteile nach Zeichnung"),
    "KB-STANZ": ("Anfrage Stanzteile", "Preisanfrage Lochblech", "Angebot Stanzteil {material}",
                 "Anfrage Scheiben/Federn", "Stanzteile Jahresbedarf"),
    "KB-TIEF": ("Anfrage Tiefziehteil", "Preisanfrage Gehäuse tiefgezogen",
                "Angebot Näpfe {material}", "Anfrage Deckel gezogen"),
    "KB-BAUGR": ("Anfrage Schweißbaugruppe", "Angebot Baugruppe komplett",
                 "Preisanfrage Rahmen geschweißt", "Anfrage Montage Baugruppe"),
    "NB-SERIE": ("Nachbestellung {article}", "Bestellung wie gehabt", "Abruf {article}",
                 "Nachbestellung Artikel {article}", "Erneuter Bedarf {article}"),
}

SENTENCES = {
    "KB-BIEG": (
        "Es handelt sich um ein Kantteil aus {material}, {thick} mm stark, mit zwei Abkantungen.",
        "Der Biegeradius sollte innen maximal {radius} mm betragen.",
        "Bitte prüfen Sie, ob die Winkel 90° mit Ihrer Abkantpresse einhaltbar sind.",
        "Die Schenkellänge beträgt {length} mm, gekantet auf Maß nach Zeichnung.",
        "Wir benötigen gekantete Halter, verzinkt, mit Langloch im Schenkel.",
        "Können Sie die Biegeteile auch mit Rückfederungskorrektur fertigen?",
        "Das Teil wird auf der Abkantbank in drei Biegungen hergestellt.",
        "Gesucht wird ein Lieferant für gebogene Winkel und Konsolen.",
    ),
    "KB-STANZ": (
        "Es geht um ein Stanzteil mit Lochbild gemäß beigefügter Skizze, {thick} mm Blechdicke.",
        "Ein Stanzwerkzeug müsste vermutlich neu gebaut werden – bitte Werkzeugkosten separat.",
        "Die Teile werden vom Coil gestanzt, Gratseite bitte einheitlich.",
        "Wir brauchen Unterlegscheiben in Sonderform, gestanzt aus Federstahl.",
        "Bitte kalkulieren Sie das Lochblech mit {holes} Bohrungen Ø {radius} mm.",
        "Folgeverbundwerkzeug oder Einzelhub – was ist bei dieser Stückzahl günstiger?",
        "Die Kontaktfedern werden in großen Losen gestanzt, Band aus Messing.",
        "Bitte um Preis für gestanzte Abschirmbleche, Schnittkante gratfrei.",
    ),
    "KB-TIEF": (
        "Wir suchen einen Hersteller für ein tiefgezogenes Gehäuse, Ziehtiefe ca. {length} mm.",
        "Der Napf hat einen Durchmesser von {radius}0 mm, Werkstoff Tiefziehgüte DC06.",
        "Ist das Tiefziehen in einem Zug möglich oder sind mehrere Züge nötig?",
        "Die Deckel werden tiefgezogen und anschließend beschnitten.",
        "Bitte beachten Sie die Ziehriefen – Sichtseite ohne Riefen.",
        "Die Ölwanne soll als Ziehteil aus einem Stück entstehen.",
    ),
    "KB-BAUGR": (
        "Die Baugruppe besteht aus {holes} Einzelteilen, die verschweißt und montiert werden.",
        "Bitte bieten Sie die Schweißbaugruppe inklusive Pulverbeschichtung an.",
        "Der Rahmen wird MAG-geschweißt, Schweißnähte nach Zeichnung.",
        "Wir möchten die Montage der Scharniere gleich mit vergeben.",
        "Die Baugruppe soll einbaufertig mit Schrauben und Muttern geliefert werden.",
        "Können Sie auch das Verschweißen und Richten übernehmen?",
        "Die Halterahmen sollen komplett geschweißt und verzinkt geliefert werden.",
    ),
    "NB-SERIE": (
        "Wir benötigen erneut den Artikel {article}, gleiche Ausführung wie zuletzt.",
        "Bitte liefern Sie wie bei der letzten Bestellung, Preis wie gehabt.",
        "Unser Lagerbestand von {article} ist fast aufgebraucht, bitte um Abruf.",
        "Es bleibt bei Zeichnungsstand und Verpackung wie bisher.",
        "Bitte bestätigen Sie den Liefertermin für die Nachbestellung.",
        "Bestellnummer bei uns wie beim letzten Abruf, nur neue Menge.",
    ),
}

SHARED = (
    "Die Menge beträgt ca. {qty} Stück, Jahresbedarf etwa das Fünffache.",
    "Liefertermin wäre KW {week}.",
    "Die Zeichnung schicke ich Ihnen gern noch als PDF.",
    "Bitte senden Sie uns Ihr Angebot bis Ende nächster Woche.",
    "Anlieferung bitte frei Haus an unser Werk.",
    "Für Rückfragen stehe ich gern zur Verfügung.",
    "Die Muster könnten wir Ihnen vorab zusenden.",
)

GREETINGS = ("Sehr geehrte Damen und Herren,", "Guten Tag,", "Hallo zusammen,",
             "Sehr geehrter Herr Müller,", "Guten Morgen,")
OPENINGS = ("wir bitten um ein Angebot für folgendes Teil.", "wir haben eine neue Anfrage für Sie.",
            "anbei unsere Anfrage.", "wie telefonisch besprochen hier die Details.", "")
CLOSINGS = ("Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße", "Freundliche Grüße")
MATERIALS = ("DC01", "DC04", "S235JR", "1.4301", "AlMg3", "DX51D+Z")
