//! Rendering templates as Ansible's template module does, with minijinja.

pub mod python;
