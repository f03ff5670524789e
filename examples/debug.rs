fn main() {
    let input = std::env::args().nth(1).unwrap();
    let r = sqlredact::Redactor::new();
    let out = r.redact(&input);
    println!("{:?}\n{:?}", out.text(), out.secrets());
    let again = r.redact(out.text());
    println!("{:?}\n{:?}", again.text(), again.secrets());
}
