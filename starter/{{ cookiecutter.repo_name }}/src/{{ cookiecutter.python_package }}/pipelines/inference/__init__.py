"""Score new raw customers with the trained model, through the same steps and gates."""
