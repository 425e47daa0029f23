# Termijnen (i18n::deadline): de regels tellen dagen in Hongkong (G.13); de lezer ziet hetzelfde
# moment ook in de eigen tijdzone.
deadline-until = tot en met { $moment }
deadline-moment = { $date }, { $time } Hongkongse tijd ({ $reader })
deadline-moment-hong-kong = { $date }, { $time } Hongkongse tijd
deadline-reader-same-day = { $time } in { $place }
deadline-reader-other-day = { $time } op { $date } in { $place }
zone-place-europe-amsterdam = Nederland
zone-place-europe-brussels = België
zone-place-europe-london = het Verenigd Koninkrijk
zone-place-pacific-auckland = Nieuw-Zeeland
