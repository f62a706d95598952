"""What the qsfund services share: event contracts and the event backbone."""
