// Embedded migrations, Fluent files, the seed and static files are read at compile time: rebuild
// when they change.
fn main() {
    for dir in [
        "migrations",
        "locales",
        "static",
        "templates",
        "src/programme/seed",
    ] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
