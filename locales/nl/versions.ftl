# De openbare regelspagina en haar versies (programme/versions.rs, templates/programme/rules.html).
rules-version-in-force = Versie { $number }, van kracht sinds { $date }
rules-version-superseded = Dit is versie { $number } van de regels, van { $date }. Deze versie is niet meer van kracht.
rules-version-now = Sinds { $date } geldt versie { $number }.
rules-version-read-current = Lees de regels die nu gelden
rules-versions-earlier = Eerdere versies
rules-version-line = Versie { $number } ({ $date })
rules-version-this-page = op deze pagina getoond
# Een versie publiceren (console/routes/rules.rs): wat er veranderd is, voor de deelnemers in elke taal.
rules-admin-summary-en = Wat er veranderd is, in het Engels (voor deelnemers die Engels lezen)
rules-admin-summary-nl = Wat er veranderd is, in het Nederlands (voor deelnemers die Nederlands lezen)
error-rules-summary-en = Vermeld in het Engels wat er veranderd is.
error-rules-summary-nl = Vermeld in het Nederlands wat er veranderd is.
