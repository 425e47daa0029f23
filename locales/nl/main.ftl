site-name = Partnerlink
site-tagline = Publisherportaal
skip-to-content = Naar de inhoud
nav-label = Hoofdmenu
nav-programme = Programma
nav-rules = Regels
nav-login = Inloggen
nav-signup = Aanmelden
lang-switch-label = Taal
lang-name-nl = Nederlands
lang-name-en = English
footer-contact = Vragen? Neem contact op met

home-title = Word publisher van AliExpress
home-eyebrow = Affiliate programma
home-read-more = Lees het hele programma
home-steps-heading = Zo meldt u zich aan
home-step-1 = Vul uw e-mailadres in en klik op "Verder gaan".
home-step-2 = Vul uw websiteadres en andere gegevens in: er zijn drie korte stappen, die samen niet meer dan een minuut duren.
home-step-3 = Na de drie stappen ontvangt u een e-mail met een link om uw account te activeren. Dat is alles!

programme-title = { $name } affiliate programma
programme-commission-heading = Commissie
programme-commission-caption = Commissie per event
programme-commission-event = Event
programme-commission-rate = Commissie
programme-commission-structure = Commissiestructuur
programme-general-segment = Algemeen segment:
programme-rate-sentence = { $rate } voor { $scope }
programme-description-heading = Uitgebreide programmabeschrijving
programme-advantages-heading = Voordelen van het werken met { $name }
programme-cookie-heading = Cookieperiode
programme-deeplinking-heading = Deeplinking
programme-marketing-heading = Geaccepteerde marketingmethoden
programme-keyword-heading = Keyword policy
programme-policies-heading = Aanvullende informatie
programme-policies-caption = Beleid van het programma
programme-policy-column = Onderwerp
programme-value-column = Beleid
programme-contacts-heading = Contactpersonen
programme-signup-heading = Aanmelden voor dit programma
programme-signup-text = Meld u aan als publisher in drie korte stappen. Na activering van uw account kunt u uw websites aanmelden en trackinglinks maken.
programme-login-link = Heeft u al een account? Inloggen
programme-rules-link = Lees de Advertising Rules and Policies van het programma

policy-cookie-period = Cookieperiode
policy-deeplinking = Deeplinking
policy-product-feed = Productfeed
policy-prepayment = Prepayment programma
policy-keyword-marketing = Keyword marketing
policy-email-marketing = E-mailmarketing
policy-cashback-loyalty = Cashback-/loyaltysites
policy-coupon-sites = Kortingscodesites
policy-price-comparison = Prijsvergelijkers
policy-value-session-based = Sessiegebaseerd
policy-value-not-possible = Niet mogelijk
policy-value-no = Nee
policy-value-yes = Ja
policy-value-closed = Gesloten, geen brandbidding
policy-value-open-no-brand-bidding = Open, geen brandbidding
policy-value-open-brand-bidding = Open, brandbidding toegestaan
policy-value-session-based-window = Sessiegebaseerd: { $window } na de klik
policy-value-allowed-after-preview = Toegestaan, na goedkeuring preview
policy-value-allowed = Toegestaan
policy-value-not-allowed = Niet toegestaan

contact-account-manager = Accountmanager
contact-publisher-team = Publisherteam

rules-binding-note = Deze regels zijn alleen in het Engels gepubliceerd.
rules-contents = Inhoud

error-code = Foutcode
error-back-home = Naar de startpagina
error-400-title = Dit verzoek klopt niet
error-400-message = De pagina kon dit verzoek niet verwerken. Controleer het adres of probeer het opnieuw.
error-403-title = Geen toegang
error-403-message = U heeft geen toegang tot deze pagina, of het formulier is verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.
error-404-title = Pagina niet gevonden
error-404-message = Deze pagina bestaat niet (meer). Controleer het adres, of begin op de startpagina.
error-429-title = Te veel pogingen
error-429-message = U heeft dit te vaak kort na elkaar geprobeerd. Wacht even en probeer het dan opnieuw.
error-503-title = Het portaal is even niet bereikbaar
error-503-message = Wij kunnen onze database op dit moment niet bereiken. Niets van wat u invulde is verloren gegaan; probeer het zo opnieuw.
error-500-title = Er ging iets mis
error-500-message = Door een fout aan onze kant kon deze pagina niet worden getoond. Er is niets van uw gegevens verloren gegaan. Probeer het over enkele minuten opnieuw.

# Sessiegebaseerde toekenning (issue 22, punt 2): de periode, uit de instelling van het programma.
session-window-hours = { $hours ->
    [one] { $hours } uur
   *[other] { $hours } uur
}
session-window-minutes = { $minutes ->
    [one] { $minutes } minuut
   *[other] { $minutes } minuten
}
programme-session-window = Een bestelling levert commissie op als die binnen { $window } wordt geplaatst na de klik op uw link waarmee de bezoeker binnenkwam, ook na middernacht. Alleen die klik telt: een latere klik verlengt de periode niet.
