//! Working days and the holidays they skip (G.12, G.13), in one place: the arithmetic on Hong
//! Kong days with no I/O (`working_days.rs`: claim and decision periods, deadlines) and the
//! holiday table it counts with (`holidays.rs`: the table, its CSV import, the warning that it
//! runs out). The console's `/manage/holidays` page is a thin handler over `holidays`.

pub mod holidays;
pub mod working_days;
