# The holiday table: its end, and importing a year from a CSV file (enforcement/calendar.rs,
# console/routes/holidays.rs).
holidays-warning-soon = The holiday table ends on { $date }. Import the Hong Kong holidays of { $year } before then: after that day, every weekday counts as a working day.
holidays-warning-past = The holiday table ended on { $date }. Import the Hong Kong holidays of { $year }: until then, every weekday counts as a working day.
holidays-warning-empty = The holiday table is empty: every weekday counts as a working day. Import the Hong Kong holidays.
holidays-warning-link = Import holidays
holidays-covered-until = The table covers the days up to and including { $date }.
holidays-import = Import a year from a CSV file
holidays-import-intro = One holiday per line: the date, a comma and the name, for example “2028-01-01,The first day of January”. A first line “date,name” is skipped. A name with a comma goes in double quotes. A file with any wrong line stores nothing; a holiday the table already has under the same name is left as it is.
holidays-import-file = CSV file
holidays-import-button = Import
holidays-import-problems = Lines with a problem
holidays-import-line = Line
holidays-import-text = Text
holidays-import-problem = Problem
notice-holidays-imported = The file has been imported: { $added ->
        [one] one holiday added
       *[other] { $added } holidays added
    }, { $already ->
        [one] one was already in the table
       *[other] { $already } were already in the table
    }.
error-holidays-file-empty = Choose a CSV file with at least one holiday.
error-holidays-file-too-large = The file is too large: at most 64 KB.
error-holidays-file-not-text = The file is not a text file (UTF-8): save it as CSV.
error-holidays-file-too-many-lines = The file has too many lines: at most 400.
error-holidays-file-lines = Some lines have a problem; nothing has been stored. Correct them and import the file again.
error-holidays-line-fields = Write the date and the name, separated by a comma.
error-holidays-line-date = Write the date as year-month-day, for example 2028-01-01.
error-holidays-line-name = Give a name of at most 100 characters, without control or invisible characters.
error-holidays-line-repeated = The same date as line { $line }.
error-holidays-line-other-name = The table already has a holiday on this date: “{ $name }”. Change it in the table if it is wrong.
