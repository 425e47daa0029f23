# De feestdagentabel: het einde ervan, en een jaar importeren uit een CSV-bestand
# (enforcement/calendar.rs, console/routes/holidays.rs).
holidays-warning-soon = De feestdagentabel loopt tot en met { $date }. Importeer vóór die datum de Hongkongse feestdagen van { $year }: daarna telt elke doordeweekse dag als werkdag.
holidays-warning-past = De feestdagentabel liep tot en met { $date }. Importeer de Hongkongse feestdagen van { $year }: tot dan telt elke doordeweekse dag als werkdag.
holidays-warning-empty = De feestdagentabel is leeg: elke doordeweekse dag telt als werkdag. Importeer de Hongkongse feestdagen.
holidays-warning-link = Feestdagen importeren
holidays-covered-until = De tabel dekt de dagen tot en met { $date }.
holidays-import = Een jaar importeren uit een CSV-bestand
holidays-import-intro = Eén feestdag per regel: de datum, een komma en de naam, bijvoorbeeld „2028-01-01,The first day of January”. Een eerste regel „date,name” wordt overgeslagen. Zet een naam met een komma tussen dubbele aanhalingstekens. Een bestand met een foute regel slaat niets op; een feestdag die al met dezelfde naam in de tabel staat, blijft zoals hij is.
holidays-import-file = CSV-bestand
holidays-import-button = Importeren
holidays-import-problems = Regels met een probleem
holidays-import-line = Regel
holidays-import-text = Tekst
holidays-import-problem = Probleem
notice-holidays-imported = Het bestand is geïmporteerd: { $added ->
        [one] één feestdag toegevoegd
       *[other] { $added } feestdagen toegevoegd
    }, { $already ->
        [one] één stond al in de tabel
       *[other] { $already } stonden al in de tabel
    }.
error-holidays-file-empty = Kies een CSV-bestand met minstens één feestdag.
error-holidays-file-too-large = Het bestand is te groot: hooguit 64 KB.
error-holidays-file-not-text = Het bestand is geen tekstbestand (UTF-8): sla het op als CSV.
error-holidays-file-too-many-lines = Het bestand heeft te veel regels: hooguit 400.
error-holidays-file-lines = Sommige regels hebben een probleem; er is niets opgeslagen. Verbeter ze en importeer het bestand opnieuw.
error-holidays-line-fields = Schrijf de datum en de naam, gescheiden door een komma.
error-holidays-line-date = Schrijf de datum als jaar-maand-dag, bijvoorbeeld 2028-01-01.
error-holidays-line-name = Geef een naam van hooguit 100 tekens, zonder stuur- of onzichtbare tekens.
error-holidays-line-repeated = Dezelfde datum als regel { $line }.
error-holidays-line-other-name = De tabel heeft op deze datum al een feestdag: „{ $name }”. Pas die in de tabel aan als hij niet klopt.
