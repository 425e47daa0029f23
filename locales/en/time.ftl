# Deadlines (i18n::deadline): the rules count days in Hong Kong (G.13); the reader is also told
# the same moment in their own zone.
deadline-until = until { $moment }
deadline-moment = { $date }, { $time } Hong Kong time ({ $reader })
deadline-moment-hong-kong = { $date }, { $time } Hong Kong time
deadline-reader-same-day = { $time } in { $place }
deadline-reader-other-day = { $time } on { $date } in { $place }
zone-place-europe-amsterdam = the Netherlands
zone-place-europe-brussels = Belgium
zone-place-europe-london = the United Kingdom
zone-place-pacific-auckland = New Zealand
