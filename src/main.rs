//! The `promvault` binary: everything lives in the library; this only hands over the exit code
//! and names the allocator (which wipes freed memory: see `hardening::WipingAllocator`).

#[global_allocator]
static ALLOCATOR: promvault::hardening::WipingAllocator =
    promvault::hardening::WipingAllocator(std::alloc::System);

fn main() -> std::process::ExitCode {
    promvault::cli::run()
}
