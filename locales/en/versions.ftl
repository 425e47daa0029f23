# The public rules page and its versions (programme/versions.rs, templates/programme/rules.html).
rules-version-in-force = Version { $number }, in force since { $date }
rules-version-superseded = This is version { $number } of the rules, of { $date }. It is no longer in force.
rules-version-now = Version { $number } has applied since { $date }.
rules-version-read-current = Read the rules in force
rules-versions-earlier = Earlier versions
rules-version-line = Version { $number } ({ $date })
rules-version-this-page = shown on this page
# Publishing a version (console/routes/rules.rs): what changed, written for the participants in each language.
rules-admin-summary-en = What changed, in English (for participants who read English)
rules-admin-summary-nl = What changed, in Dutch (for participants who read Dutch)
error-rules-summary-en = Say in English what changed.
error-rules-summary-nl = Say in Dutch what changed.
