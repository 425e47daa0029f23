## Geld: bedragen, bankgegevens, commissies, boekingen en uitbetalingen.

error-amount-not-a-number = Schrijf het bedrag met een punt en zonder scheidingstekens voor duizendtallen, zoals 129.95.
error-amount-negative = Een bedrag kan niet negatief zijn.
error-amount-too-precise = Deze valuta heeft minder decimalen dan dit bedrag.
error-amount-too-large = Dit bedrag is te groot.
error-iban-format = Een IBAN begint met twee letters en twee cijfers, zoals NL91 ABNA 0417 1643 00.
error-iban-country = Uitbetalingen gaan alleen naar bankrekeningen in SEPA-landen.
error-iban-length = Een IBAN uit dit land heeft een ander aantal tekens.
error-iban-checksum = Dit IBAN is niet geldig: er is een teken verkeerd getypt.
error-conversion-ref-empty = Dit veld is leeg.
error-conversion-ref-too-long = Dit veld heeft meer dan 100 tekens.
error-conversion-ref-control = Dit veld bevat stuurtekens.
error-conversion-currency = Onbekende valuta: gebruik een ISO-code van drie letters, zoals EUR.
error-conversion-status = De status is pending, completed, cancelled of returned.
error-conversion-returned-missing = Bij een retour hoort het geretourneerde bedrag (meer dan nul).
error-conversion-returned-without-return = Een geretourneerd bedrag hoort alleen bij de status returned.
error-conversion-returned-too-much = Er is meer geretourneerd dan het orderbedrag.
error-conversion-time = De tijd staat niet in RFC 3339-vorm, zoals 2026-11-29T14:03:00Z.
error-conversion-time-future = De tijd van de bestelling ligt in de toekomst.
error-conversion-unknown-programme = Er is geen programma met deze naam.
error-conversion-unknown-group = Het programma heeft geen commissiegroep met deze naam.
error-conversion-wrong-currency = Het programma betaalt in een andere valuta.
error-conversion-changed-fact = Een update kan de klik, de commissiegroep of de tijd van een bestelling niet wijzigen.
