## Geld: bedragen, bankgegevens, commissies, boekingen en uitbetalingen.

error-amount-not-a-number = Schrijf het bedrag met een punt en zonder scheidingstekens voor duizendtallen, zoals 129.95.
error-amount-negative = Een bedrag kan niet negatief zijn.
error-amount-too-precise = Deze valuta heeft minder decimalen dan dit bedrag.
error-amount-too-large = Dit bedrag is te groot.
error-iban-format = Een IBAN begint met twee letters en twee cijfers, zoals NL91 ABNA 0417 1643 00.
error-iban-country = Uitbetalingen gaan alleen naar bankrekeningen in SEPA-landen.
error-iban-length = Een IBAN uit dit land heeft een ander aantal tekens.
error-iban-checksum = Dit IBAN is niet geldig: er is een teken verkeerd getypt.
